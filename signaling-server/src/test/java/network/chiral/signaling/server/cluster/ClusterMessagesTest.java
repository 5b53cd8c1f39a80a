package network.chiral.signaling.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The inbox and routes channel formats, including ids with spaces and unknown messages. */
class ClusterMessagesTest {

    @Test
    void envelopesSurviveTheirOwnEncoding() {
        Envelope forward = new Envelope.Forward("node-1", "{\"type\":\"offer\",\"to\":\"a b\\nc\"}");
        assertThat(Envelope.decode(forward.encode())).contains(forward);
        Envelope bounce = new Envelope.Bounce("{\"type\":\"candidate\"}\nwith a newline");
        assertThat(Envelope.decode(bounce.encode())).contains(bounce);
        Envelope probe = new Envelope.Probe("node-1", 42);
        assertThat(Envelope.decode(probe.encode())).contains(probe);
        Envelope confirm = new Envelope.Confirm("node-2", 123_456_789_012L);
        assertThat(Envelope.decode(confirm.encode())).contains(confirm);
    }

    @Test
    void unknownEnvelopesAreIgnored() {
        assertThat(Envelope.decode("no header")).isEmpty();
        assertThat(Envelope.decode("teleport x\n{}")).isEmpty();
        assertThat(Envelope.decode("relay \n{}")).isEmpty();
        assertThat(Envelope.decode("probe node-1\n")).isEmpty();
        assertThat(Envelope.decode("probe node-1 -3\n")).isEmpty();
        assertThat(Envelope.decode("confirm  7\n")).isEmpty();
        assertThat(Envelope.decode("confirm node-1 99999999999999999999\n")).isEmpty();
    }

    @Test
    void routeNoticesKeepIdsWhole() {
        assertThat(RouteNotice.decode("release node-2 an id with spaces"))
                .contains(new RouteNotice.Released("node-2", "an id with spaces"));
        assertThat(RouteNotice.decode("gone node-3")).contains(new RouteNotice.Gone("node-3"));
        assertThat(RouteNotice.decode("release node-only")).isEmpty();
        assertThat(RouteNotice.decode("reboot node-1")).isEmpty();
    }

    @Test
    void theRouteCacheForgetsPreciselyAndStaysBounded() {
        RouteCache routes = new RouteCache(3);
        routes.learn("a", "n1");
        routes.learn("b", "n1");
        routes.learn("c", "n2");
        routes.forget("a", "n2");
        assertThat(routes.node("a")).isEqualTo("n1");
        routes.forgetNode("n1");
        assertThat(routes.node("a")).isNull();
        assertThat(routes.node("b")).isNull();
        assertThat(routes.node("c")).isEqualTo("n2");
        routes.learn("d", "n3");
        routes.learn("e", "n3");
        routes.learn("f", "n3");
        assertThat(routes.size()).isLessThanOrEqualTo(3);
        assertThat(routes.node("f")).isEqualTo("n3");
    }
}
