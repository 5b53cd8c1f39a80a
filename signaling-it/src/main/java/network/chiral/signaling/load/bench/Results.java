package network.chiral.signaling.load.bench;

import java.util.ArrayList;
import java.util.List;

/** What the benchmark measured for one server. Fields stay unset (NaN, null) when a phase failed. */
final class Results {
    /** One fixed-rate (or full-speed, {@code offered == 0}) phase. */
    record Rate(int offered, double achieved, double p50Millis, double p99Millis, double cpuMicrosPerMessage,
                long errors, long unanswered) {
    }

    /** The many-connections phase: that many registered while pairs keep relaying. */
    record Many(int wanted, int opened, int failed, long relayed, long errors) {
    }

    /**
     * One connection storm: {@code clients} connecting and registering at once.
     *
     * @param seconds       time to all registered: from the first attempt (first storm), or from the
     *                      restarted process's start (restart storm)
     * @param startupMillis restart storm: the new process's start to its first accepted connection
     */
    record Storm(int clients, int registered, int failed, double seconds, double p50Millis, double p99Millis,
                 double maxMillis, double startupMillis) {
    }

    final String name;
    Storm stormWs;
    Storm stormWss;
    Storm restartWs;
    Storm restartWss;
    double startupMillis = Double.NaN;
    long idleRssBytes = -1;
    int idleWanted;
    int idleOpened;
    long rssBeforeIdle = -1;
    long rssWithIdle = -1;
    /** RSS with the first half of the idle connections open, and how many the second half opened. */
    long rssWithHalf = -1;
    int idleSecondHalf;
    final List<Rate> rates = new ArrayList<>();
    Rate saturation;
    Many many;
    final List<String> problems = new ArrayList<>();

    Results(String name) {
        this.name = name;
    }

    /** Bytes of RSS each idle registered connection added. */
    double rssPerIdleConnection() {
        if (idleOpened <= 0 || rssBeforeIdle < 0 || rssWithIdle < 0) {
            return Double.NaN;
        }
        return (double) (rssWithIdle - rssBeforeIdle) / idleOpened;
    }

    /** Bytes of RSS each connection of the second half added: what a connection keeps, past one-off costs. */
    double rssPerLaterIdleConnection() {
        if (idleSecondHalf <= 0 || rssWithHalf < 0 || rssWithIdle < 0) {
            return Double.NaN;
        }
        return (double) (rssWithIdle - rssWithHalf) / idleSecondHalf;
    }

    Rate at(int offered) {
        return rates.stream().filter(r -> r.offered() == offered).findFirst().orElse(null);
    }
}
