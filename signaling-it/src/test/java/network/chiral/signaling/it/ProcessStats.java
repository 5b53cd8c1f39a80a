package network.chiral.signaling.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time and resident memory of a child process, read from Linux's /proc. CPU is in clock
 * ticks of 1/100 s (USER_HZ, 100 on every Linux this runs on).
 */
final class ProcessStats {
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Duration WINDOW = Duration.ofSeconds(2);

    /** One reading. */
    record Sample(long cpuTicks, long rssKilobytes, long nanos) {
        double rssMegabytes() {
            return rssKilobytes / 1024.0;
        }
    }

    private ProcessStats() {
    }

    static Sample sample(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            long rss = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .findFirst().orElseThrow();
            return new Sample(ticks, rss, System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for a {@link #WINDOW} in which the process used at most {@code cores} of CPU, and
     * returns that window's use; fails if none comes within {@code timeout}. A thread stuck in a
     * loop keeps a whole core busy, far above any such bound.
     */
    static double awaitIdle(long pid, double cores, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        double used;
        do {
            Sample first = sample(pid);
            // A measurement window: CPU use is only defined over an interval.
            Thread.sleep(WINDOW.toMillis());
            Sample second = sample(pid);
            used = (second.cpuTicks() - first.cpuTicks()) / TICKS_PER_SECOND
                    / ((second.nanos() - first.nanos()) / 1e9);
            if (used <= cores) {
                return used;
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError(String.format("process %d still used %.2f cores %s after the load", pid, used, timeout));
    }
}
