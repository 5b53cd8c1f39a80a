package network.chiral.signaling.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The inbox and routes channel formats, including ids with spaces and unknown messages. */
class ClusterMessagesTest {

    @Test
    void envelopesSurviveTheirOwnEncoding() {
        Envelope forward = new Envelope.Forward("node-1", 7, 1_780_000_000_000L, "{\"type\":\"offer\",\"to\":\"a b\\nc\"}");
        assertThat(Envelope.decode(forward.encode())).contains(forward);
        Envelope gone = new Envelope.Returned(8, Envelope.Reason.GONE, "{\"type\":\"candidate\"}\nwith a newline");
        assertThat(Envelope.decode(gone.encode())).contains(gone);
        Envelope stale = new Envelope.Returned(9, Envelope.Reason.STALE, "");
        assertThat(Envelope.decode(stale.encode())).contains(stale);
        Envelope probe = new Envelope.Probe("node-1", 42);
        assertThat(Envelope.decode(probe.encode())).contains(probe);
        Envelope confirm = new Envelope.Confirm("node-2", 123_456_789_012L, -5);
        assertThat(Envelope.decode(confirm.encode())).contains(confirm);
        Envelope receipt = new Envelope.Delivered("node-3", java.util.List.of(1L, 2L, 30L));
        assertThat(Envelope.decode(receipt.encode())).contains(receipt);
        Envelope confirmWithOpen = new Envelope.Confirm("node-2", 4, 9, java.util.List.of(5L, 6L));
        assertThat(Envelope.decode(confirmWithOpen.encode())).contains(confirmWithOpen);
        Envelope reclaim = new Envelope.Reclaim("node-1", 3, false, "tok_EN-1234567890abcdef", "an id with spaces\nand a newline");
        assertThat(Envelope.decode(reclaim.encode())).contains(reclaim);
        Envelope proven = new Envelope.Reclaim("node-1", 4, true, "", "id");
        assertThat(Envelope.decode(proven.encode())).contains(proven);
        Envelope reclaimed = new Envelope.Reclaimed(3, true);
        assertThat(Envelope.decode(reclaimed.encode())).contains(reclaimed);
    }

    @Test
    void unknownEnvelopesAreIgnored() {
        assertThat(Envelope.decode("no header")).isEmpty();
        assertThat(Envelope.decode("teleport x\n{}")).isEmpty();
        assertThat(Envelope.decode("relay node-1\n{}")).as("the format before relay numbers").isEmpty();
        assertThat(Envelope.decode("forward node-1 x 5\n{}")).isEmpty();
        assertThat(Envelope.decode("returned 5 lost\n")).isEmpty();
        assertThat(Envelope.decode("delivered node-1 1 -2\n")).isEmpty();
        assertThat(Envelope.decode("delivered node-1" + " 1".repeat(Envelope.IDS_PER_RECEIPT + 1) + "\n")).isEmpty();
        assertThat(Envelope.decode("reclaim node-1 3 2 -\nid")).as("not a flag").isEmpty();
        assertThat(Envelope.decode("reclaim node-1 3 1 -\n")).as("no id").isEmpty();
        assertThat(Envelope.decode("probe node-1\n")).isEmpty();
        assertThat(Envelope.decode("probe node-1 -3\n")).isEmpty();
        assertThat(Envelope.decode("confirm  7 1\n")).isEmpty();
        assertThat(Envelope.decode("confirm node-1 7\n")).as("without its epoch").isEmpty();
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
