package network.chiral.signaling.load;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a load run measured. Round-trip times are in microseconds, from the moment an offer was
 * due (not when it happened to be sent, so a stalled sender shows up as latency).
 *
 * @param protocol        the dialect spoken
 * @param offeredRate     relayed messages per second asked for; 0 for as fast as possible
 * @param seconds         measured time
 * @param relayed         relayed messages received by peers while measuring
 * @param roundTrips      completed offer/answer round trips while measuring
 * @param p50Micros       median round trip
 * @param p90Micros       90th percentile round trip
 * @param p99Micros       99th percentile round trip
 * @param maxMicros       slowest round trip
 * @param errors          error replies and failures, by code
 * @param opened          connections opened and registered
 * @param failed          connections that could not be opened or registered
 * @param unanswered      offers without an answer when the run ended
 */
public record LoadReport(Protocol protocol, int offeredRate, double seconds, long relayed, long roundTrips,
                         long p50Micros, long p90Micros, long p99Micros, long maxMicros,
                         Map<String, Long> errors, int opened, int failed, long unanswered) {

    public LoadReport {
        errors = Map.copyOf(errors);
    }

    /** Relayed messages per second over the measured time. */
    public double relayedPerSecond() {
        return seconds <= 0 ? 0 : relayed / seconds;
    }

    /** Error count over every code. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The human-readable report the command line prints at the end. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append("=== load report ===\n");
        out.append(String.format(Locale.ROOT, "protocol            %s%n", protocol.name().toLowerCase(Locale.ROOT)));
        out.append(String.format(Locale.ROOT, "offered rate        %s%n",
                offeredRate == 0 ? "max" : offeredRate + " relayed msgs/s"));
        out.append(String.format(Locale.ROOT, "measured            %.1f s%n", seconds));
        out.append(String.format(Locale.ROOT, "relayed             %d msgs, %.0f msgs/s%n", relayed, relayedPerSecond()));
        out.append(String.format(Locale.ROOT, "round trips         %d%n", roundTrips));
        out.append(String.format(Locale.ROOT, "round trip ms       p50 %.3f  p90 %.3f  p99 %.3f  max %.3f%n",
                p50Micros / 1000.0, p90Micros / 1000.0, p99Micros / 1000.0, maxMicros / 1000.0));
        out.append(String.format(Locale.ROOT, "connections         %d opened, %d failed%n", opened, failed));
        out.append(String.format(Locale.ROOT, "unanswered at end   %d%n", unanswered));
        out.append(String.format(Locale.ROOT, "errors              %d%n", errorCount()));
        new TreeMap<>(errors).forEach((code, count) ->
                out.append(String.format(Locale.ROOT, "  %-18s %d%n", code, count)));
        return out.toString();
    }
}
