package network.chiral.signaling.load;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one stage of a connection storm measured. A handshake is timed from the moment its
 * client started connecting (TCP, TLS, WebSocket upgrade) to the moment the server's answer to
 * its registration arrived ({@code peers}, or PeerJS's {@code OPEN}); times are in microseconds.
 *
 * @param stage       {@code storm} (every client connects at once) or {@code reconnect} (the same
 *                    clients again, with the same ids, after the server dropped them)
 * @param protocol    the dialect spoken
 * @param secure      whether the clients connected over {@code wss://}
 * @param clients     clients in the storm
 * @param concurrency most handshakes in progress at once
 * @param registered  clients registered at the end of the stage
 * @param failed      clients that did not register (a failed handshake in the first stage; not
 *                    registered again before the limit in the second)
 * @param attempts    connection attempts made, retries included
 * @param seconds     first stage: from the first connection attempt to the last registration;
 *                    second stage: from the first client dropped to the last registration
 * @param p50Micros   median handshake of the clients that registered
 * @param p90Micros   90th percentile handshake
 * @param p99Micros   99th percentile handshake
 * @param maxMicros   slowest handshake
 * @param errors      failed attempts by code (in the second stage, attempts that were retried)
 */
public record StormReport(String stage, Protocol protocol, boolean secure, int clients, int concurrency,
                          int registered, int failed, long attempts, double seconds, long p50Micros, long p90Micros,
                          long p99Micros, long maxMicros, Map<String, Long> errors) {

    public StormReport {
        errors = Map.copyOf(errors);
    }

    /** Failed attempts over every code. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The human-readable report the command line prints at the end of the stage. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append("=== ").append(stage).append(" report ===\n");
        out.append(String.format(Locale.ROOT, "protocol            %s over %s%n",
                protocol.name().toLowerCase(Locale.ROOT), secure ? "wss" : "ws"));
        out.append(String.format(Locale.ROOT, "clients             %d, %d handshakes at a time%n", clients, concurrency));
        out.append(String.format(Locale.ROOT, "registered          %d, %d failed%n", registered, failed));
        out.append(String.format(Locale.ROOT, "time to all         %.2f s (%s)%n", seconds,
                stage.equals("reconnect") ? "first client dropped to last registered again"
                        : "first connection attempt to last registered"));
        out.append(String.format(Locale.ROOT, "handshake ms        p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n",
                p50Micros / 1000.0, p90Micros / 1000.0, p99Micros / 1000.0, maxMicros / 1000.0));
        out.append(String.format(Locale.ROOT, "attempts            %d%n", attempts));
        out.append(String.format(Locale.ROOT, "%s%d%n",
                stage.equals("reconnect") ? "retried attempts    " : "errors              ", errorCount()));
        new TreeMap<>(errors).forEach((code, count) ->
                out.append(String.format(Locale.ROOT, "  %-18s %d%n", code, count)));
        return out.toString();
    }
}
