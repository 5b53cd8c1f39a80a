package network.chiral.signaling.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

class ProtocolTest {

    @Test
    void peerJsConnectsWithIdAndTokenInTheUrl() {
        assertThat(Protocol.PEERJS.connectUri(URI.create("ws://127.0.0.1:9000/"), "a-1", "tok"))
                .isEqualTo(URI.create("ws://127.0.0.1:9000/peerjs?key=peerjs&id=a-1&token=tok"));
        assertThat(Protocol.PEERJS.connectUri(URI.create("wss://host/signal"), "a", "t"))
                .isEqualTo(URI.create("wss://host/signal/peerjs?key=peerjs&id=a&token=t"));
        assertThat(Protocol.PEERJS.register("a")).isNull();
    }

    @Test
    void relaysCarryTheSendTimeWhereTheReceiverFindsIt() {
        String chiral = Protocol.CHIRAL.relay(true, "b", 123456789L, "xx");
        assertThat(chiral).isEqualTo("{\"type\":\"offer\",\"to\":\"b\",\"sdp\":{\"t\":123456789,\"sdp\":\"xx\"}}");
        String peerjs = Protocol.PEERJS.relay(false, "a", 42L, "");
        assertThat(peerjs).isEqualTo("{\"type\":\"ANSWER\",\"dst\":\"a\",\"payload\":{\"t\":42,\"sdp\":\"\"}}");
        // As the servers forward them: from/src added, the payload untouched.
        assertThat(Frames.longValue("{\"type\":\"offer\",\"from\":\"a\",\"to\":\"b\",\"sdp\":{\"t\":99,\"sdp\":\"x\"}}", "t"))
                .isEqualTo(99);
        assertThat(Frames.longValue("{\"type\":\"OFFER\",\"dst\":\"b\",\"payload\":{\"t\":7,\"sdp\":\"\"},\"src\":\"a\"}", "t"))
                .isEqualTo(7);
    }

    @Test
    void classifiesWhatServersSend() {
        assertThat(Protocol.kind("{\"type\":\"peers\",\"peers\":[\"a\"],\"total\":1}")).isEqualTo(Protocol.Kind.READY);
        assertThat(Protocol.kind("{\"type\":\"OPEN\"}")).isEqualTo(Protocol.Kind.READY);
        assertThat(Protocol.kind("{\"type\":\"answer\",\"from\":\"b\"}")).isEqualTo(Protocol.Kind.ANSWER);
        assertThat(Protocol.kind("{\"type\":\"pong\",\"ts\":1}")).isEqualTo(Protocol.Kind.OTHER);
        assertThat(Protocol.kind("not json")).isEqualTo(Protocol.Kind.OTHER);
        assertThat(Protocol.errorCode("{\"type\":\"error\",\"code\":\"peer-not-found\",\"message\":\"m\"}"))
                .isEqualTo("peer-not-found");
        assertThat(Protocol.errorCode("{\"type\":\"ERROR\",\"payload\":{\"msg\":\"Invalid key provided\"}}"))
                .isEqualTo("ERROR: Invalid key provided");
        assertThat(Protocol.errorCode("{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}"))
                .isEqualTo("ID-TAKEN");
    }

    @Test
    void paddingSizesTheFrame() {
        int overhead = Protocol.CHIRAL.overhead("b-x-1");
        String frame = Protocol.CHIRAL.relay(true, "b-x-1", Long.MAX_VALUE, "x".repeat(1500 - overhead));
        assertThat(frame).hasSize(1500);
    }
}
