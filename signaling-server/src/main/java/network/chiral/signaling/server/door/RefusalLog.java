package network.chiral.signaling.server.door;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The log line of a refused upgrade, at most one a second for each reason.
 *
 * <p>A reconnect storm against a draining server, or an attack on a limit, is refused thousands
 * of times a second: a line for each would flood the log, and the disk or journal behind it,
 * while saying nothing the first one did not. The refusals left out are counted, and the next
 * line of the same reason says how many ({@code suppressed}). The refusal metric counts every
 * refusal, logged or not.
 */
final class RefusalLog {
    /** Where a line goes: {@code suppressed} refusals of this reason were left out since the last one. */
    @FunctionalInterface
    interface Sink {
        void write(String reason, String remote, long suppressed);
    }

    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LongSupplier clock;
    private final Sink sink;
    /** By reason: a handful of fixed labels, so the map stays small. */
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** @param clock nanoseconds, as {@link System#nanoTime()} */
    RefusalLog(LongSupplier clock, Sink sink) {
        this.clock = clock;
        this.sink = sink;
    }

    /** Logs this refusal, or counts it if its reason was logged less than a second ago. */
    void refused(String reason, String remote) {
        long now = clock.getAsLong();
        Window window = windows.computeIfAbsent(reason, r -> new Window());
        long suppressed;
        synchronized (window) {
            if (window.logged && now - window.since < WINDOW_NANOS) {
                window.suppressed++;
                return;
            }
            suppressed = window.suppressed;
            window.suppressed = 0;
            window.since = now;
            window.logged = true;
        }
        sink.write(reason, remote, suppressed);
    }

    private static final class Window {
        private boolean logged;
        private long since;
        private long suppressed;
    }
}
