package network.chiral.signaling.api;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/**
 * One JSON object on the wire: every frame in either direction is exactly one of these,
 * told apart by its {@code type} key.
 *
 * <p>The {@code permits} list and the {@link JsonbTypeInfo} list name the same records, but for
 * {@link AppMessage}, whose {@code type} is the application's; a unit
 * test keeps them in step, because a record missing from the annotation would serialise
 * without its {@code type} and be rejected by every client.
 */
@JsonbTypeInfo(key = "type", value = {
    @JsonbSubtype(alias = "register", type = Register.class),
    @JsonbSubtype(alias = "offer", type = Offer.class),
    @JsonbSubtype(alias = "answer", type = Answer.class),
    @JsonbSubtype(alias = "candidate", type = Candidate.class),
    @JsonbSubtype(alias = "ping", type = Ping.class),
    @JsonbSubtype(alias = "pong", type = Pong.class),
    @JsonbSubtype(alias = "peers", type = Peers.class),
    @JsonbSubtype(alias = "error", type = ErrorMessage.class),
    @JsonbSubtype(alias = "peer-joined", type = PeerJoined.class),
    @JsonbSubtype(alias = "peer-left", type = PeerLeft.class)
})
public sealed interface SignalMessage
        permits Register, Offer, Answer, Candidate, Ping, Pong, Peers, ErrorMessage, PeerJoined, PeerLeft, AppMessage {
}
