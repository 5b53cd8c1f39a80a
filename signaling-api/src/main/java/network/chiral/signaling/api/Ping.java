package network.chiral.signaling.api;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Application-level heartbeat. The server answers with a {@link Pong} carrying the same
 * {@code ts} and {@code from}.
 *
 * @param ts   the sender's clock in milliseconds, echoed back
 * @param from the sender's id as it wrote it (optional, echoed back)
 */
@JsonbPropertyOrder({"ts", "from"})
public record Ping(Long ts, String from) implements SignalMessage {
    public Ping {
        Fields.require(ts, "ping", "ts");
    }
}
