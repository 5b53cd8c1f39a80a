package network.chiral.signaling.api;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * An SDP answer for peer {@code to}. {@code sdp} is any JSON value (browsers send
 * {@code {"type":"answer","sdp":"v=0..."}}) and is forwarded unchanged.
 *
 * @param from the sender; stamped by the server, whatever the client wrote
 * @param to   the receiver's registered id
 * @param sdp  the session description, opaque to the server
 */
@JsonbPropertyOrder({"from", "to", "sdp"})
public record Answer(String from, String to, Payload sdp) implements SignalMessage, Relay {
    public Answer {
        Fields.require(to, "answer", "to");
        Fields.requirePayload(sdp, "answer", "sdp");
    }

    @Override
    public Payload payload() {
        return sdp;
    }

    @Override
    public Answer withFrom(String sender) {
        return new Answer(sender, to, sdp);
    }

    @Override
    public SignalMessage message() {
        return this;
    }
}
