package network.chiral.signaling.api;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * An ICE candidate for peer {@code to}, forwarded unchanged. Browsers send
 * {@code {"candidate":"candidate:...","sdpMid":"0","sdpMLineIndex":0,...}}.
 *
 * @param from      the sender; stamped by the server, whatever the client wrote
 * @param to        the receiver's registered id
 * @param candidate the candidate, opaque to the server
 */
@JsonbPropertyOrder({"from", "to", "candidate"})
public record Candidate(String from, String to, Payload candidate) implements SignalMessage, Relay {
    public Candidate {
        Fields.require(to, "candidate", "to");
        Fields.requirePayload(candidate, "candidate", "candidate");
    }

    @Override
    public Payload payload() {
        return candidate;
    }

    @Override
    public Candidate withFrom(String sender) {
        return new Candidate(sender, to, candidate);
    }

    @Override
    public SignalMessage message() {
        return this;
    }
}
