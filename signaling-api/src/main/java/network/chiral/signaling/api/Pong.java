package network.chiral.signaling.api;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Answer to a {@link Ping}. The server accepts pongs from clients and ignores them.
 *
 * @param ts   the {@code ts} of the ping being answered
 * @param from the id the ping named (optional)
 */
@JsonbPropertyOrder({"ts", "from"})
public record Pong(Long ts, String from) implements SignalMessage {
}
