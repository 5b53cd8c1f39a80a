package network.chiral.signaling.api;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * An SDP offer for peer {@code to}. {@code sdp} is any JSON value (browsers send
 * {@code {"type":"offer","sdp":"v=0..."}}) and is forwarded unchanged.
 *
 * @param from the sender; stamped by the server, whatever the client wrote
 * @param to   the receiver's registered id
 * @param sdp  the session description, opaque to the server
 */
@JsonbPropertyOrder({"from", "to", "sdp"})
public record Offer(String from, String to, Payload sdp) implements SignalMessage, Relay {
    public Offer {
        Fields.require(to, "offer", "to");
        Fields.requirePayload(sdp, "offer", "sdp");
    }

    @Override
    public Payload payload() {
        return sdp;
    }

    @Override
    public Offer withFrom(String sender) {
        return new Offer(sender, to, sdp);
    }

    @Override
    public SignalMessage message() {
        return this;
    }
}
