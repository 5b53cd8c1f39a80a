package network.chiral.signaling.load.bench;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The generated part of docs/benchmarks.md: conditions, results table and targets. */
final class Report {
    private Report() {
    }

    static String markdown(Benchmark.Settings settings, List<Results> results, ZonedDateTime started,
                           String loadAtStart, String loadAtEnd, Path plot, Path doc) {
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(started.format(Benchmark.stamp())).append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, load average ")
                .append(loadAtStart).append(" at start and ").append(loadAtEnd).append(" at end; Java ")
                .append(System.getProperty("java.version")).append(".\n\n");
        md.append("Command: `signaling-it/bench/run-benchmark.sh`, which ran `java -jar signaling-it/target/signaling-load.jar bench ")
                .append(settings.commandLine()).append("`. Server JVM flags (this server and the floor): `").append(settings.jvmFlags()).append("`.\n\n");
        if (settings.stormsOnly()) {
            storms(md, settings, results, doc);
            Results us = find(results, "chiral");
            Results peerjs = find(results, "peerjs");
            if (us != null && peerjs != null) {
                md.append("| target | this server | compared with | ratio | met |\n|---|---|---|---|---|\n");
                stormTarget(md, "ws", settings, us.stormWs, peerjs.stormWs);
                stormTarget(md, "wss", settings, us.stormWss, peerjs.stormWss);
                md.append('\n');
            }
            problems(md, results);
            return md.toString();
        }
        md.append(String.format(Locale.ROOT,
                "Load: %d pairs of peers, %d-byte relayed frames; each fixed rate runs %d s of warm-up then %d s measured.%n%n",
                settings.pairs(), settings.payload(), settings.warmup().toSeconds(), settings.duration().toSeconds()));

        md.append("| measure |");
        results.forEach(r -> md.append(' ').append(r.name).append(" |"));
        md.append("\n|---|");
        results.forEach(r -> md.append("---|"));
        md.append('\n');
        row(md, results, "start to first accepted connection", r -> fmt("%.0f ms", r.startupMillis));
        row(md, results, "idle RSS after start", r -> r.idleRssBytes < 0 ? "-" : fmt("%.1f MiB", r.idleRssBytes / 1048576.0));
        row(md, results, "RSS per idle registered connection", r -> Double.isNaN(r.rssPerIdleConnection()) ? "-"
                : fmt("%.2f KiB (%d of %d)", r.rssPerIdleConnection() / 1024, r.idleOpened, r.idleWanted));
        row(md, results, "RSS per idle registered connection, second half", r -> Double.isNaN(r.rssPerLaterIdleConnection())
                ? "-" : fmt("%.2f KiB", r.rssPerLaterIdleConnection() / 1024));
        for (int rate : settings.rates()) {
            row(md, results, "CPU per relayed message at " + rate + "/s", r -> cpu(r.at(rate)));
        }
        row(md, results, "CPU per relayed message at saturation", r -> cpu(r.saturation));
        for (int rate : settings.rates()) {
            row(md, results, "round trip p50 / p99 at " + rate + "/s", r -> latency(r.at(rate)));
        }
        for (int rate : settings.rates()) {
            row(md, results, "achieved relayed/s at " + rate + "/s", r -> achieved(r.at(rate)));
        }
        row(md, results, "saturation throughput (relayed/s)", r -> achieved(r.saturation));
        row(md, results, "round trip p50 / p99 at saturation", r -> latency(r.saturation));
        if (settings.many() > 0) {
            row(md, results, settings.many() + " registered, relays flowing", r -> r.many == null ? "-"
                    : fmt("%d opened, %d failed, %d relayed, %d errors", r.many.opened(), r.many.failed(),
                    r.many.relayed(), r.many.errors()));
        }
        md.append('\n');
        String relative = doc.toAbsolutePath().getParent().relativize(plot.toAbsolutePath()).toString();
        md.append("![round trip against offered load](").append(relative).append(")\n\n");
        if (settings.storm() > 0) {
            storms(md, settings, results, doc);
        }
        targets(md, settings, results);
        problems(md, results);
        return md.toString();
    }

    private static void problems(StringBuilder md, List<Results> results) {
        for (Results r : results) {
            for (String problem : r.problems) {
                md.append("- problem with ").append(r.name).append(": ").append(problem).append('\n');
            }
        }
    }

    private static void targets(StringBuilder md, Benchmark.Settings settings, List<Results> results) {
        Results us = find(results, "chiral");
        Results peerjs = find(results, "peerjs");
        Results floor = find(results, "floor");
        if (us == null) {
            return;
        }
        int cpuRate = settings.rates().contains(10000) ? 10000 : settings.rates().get(settings.rates().size() / 2);
        int p99Rate = settings.rates().get(settings.rates().size() - 1);
        md.append("| target | this server | compared with | ratio | met |\n|---|---|---|---|---|\n");
        double ourCpu = value(us.at(cpuRate), Results.Rate::cpuMicrosPerMessage);
        if (peerjs != null) {
            double theirs = value(peerjs.at(cpuRate), Results.Rate::cpuMicrosPerMessage);
            target(md, "CPU per relayed message at " + cpuRate + "/s <= 1/3 of PeerJS", fmt("%.1f us", ourCpu),
                    fmt("PeerJS %.1f us", theirs), ourCpu / theirs, ourCpu <= theirs / 3);
        }
        if (floor != null) {
            double theirs = value(floor.at(cpuRate), Results.Rate::cpuMicrosPerMessage);
            target(md, "CPU per relayed message at " + cpuRate + "/s <= 1.5x the floor", fmt("%.1f us", ourCpu),
                    fmt("floor %.1f us", theirs), ourCpu / theirs, ourCpu <= theirs * 1.5);
        }
        if (peerjs != null) {
            double ours = value(us.at(p99Rate), Results.Rate::p99Millis);
            double theirs = value(peerjs.at(p99Rate), Results.Rate::p99Millis);
            target(md, "round trip p99 at " + p99Rate + "/s <= 1/2 of PeerJS", fmt("%.2f ms", ours),
                    fmt("PeerJS %.2f ms", theirs), ours / theirs, ours <= theirs / 2);
            double ourRss = us.rssPerIdleConnection();
            double theirRss = peerjs.rssPerIdleConnection();
            target(md, "RSS per idle registered connection <= PeerJS", fmt("%.2f KiB", ourRss / 1024),
                    fmt("PeerJS %.2f KiB", theirRss / 1024), ourRss / theirRss, ourRss <= theirRss);
        }
        if (peerjs != null && settings.storm() > 0) {
            stormTarget(md, "ws", settings, us.stormWs, peerjs.stormWs);
            stormTarget(md, "wss", settings, us.stormWss, peerjs.stormWss);
        }
        double idleMb = us.idleRssBytes / 1e6;
        target(md, "idle RSS <= 50 MB", fmt("%.1f MB", idleMb), "50 MB", idleMb / 50, us.idleRssBytes > 0 && idleMb <= 50);
        if (us.many != null) {
            boolean met = us.many.opened() >= us.many.wanted() && us.many.relayed() > 0 && us.many.errors() == 0;
            md.append("| ").append(us.many.wanted()).append(" registered connections with relays flowing | ")
                    .append(us.many.opened()).append(" opened, ").append(us.many.relayed()).append(" relayed, ")
                    .append(us.many.errors()).append(" errors | - | - | ").append(met ? "yes" : "no").append(" |\n");
        }
        md.append('\n');
    }

    /** The connection storms' table and plot. */
    private static void storms(StringBuilder md, Benchmark.Settings settings, List<Results> results, Path doc) {
        md.append(String.format(Locale.ROOT, "Connection storms: %d clients connect and register, %d handshakes at a time "
                + "(a handshake: TCP, TLS over wss, the WebSocket upgrade and the answer to the registration). "
                + "Restart: the clients are connected, the server is stopped (SIGTERM) and started again, and the clients "
                + "reconnect with the same ids, retrying every 250 ms give or take half; timed from the new process's start.%n%n",
                settings.storm(), settings.stormConcurrency()));
        md.append("| storm |");
        results.forEach(r -> md.append(' ').append(r.name).append(" |"));
        md.append("\n|---|");
        results.forEach(r -> md.append("---|"));
        md.append('\n');
        row(md, results, "ws: time to all registered", r -> stormTime(r.stormWs));
        row(md, results, "ws: handshake p50 / p99 / max", r -> handshakes(r.stormWs));
        row(md, results, "wss: time to all registered", r -> stormTime(r.stormWss));
        row(md, results, "wss: handshake p50 / p99 / max", r -> handshakes(r.stormWss));
        row(md, results, "ws restart: process start to all registered again", r -> restartTime(r.restartWs));
        row(md, results, "ws restart: handshake p50 / p99 / max", r -> handshakes(r.restartWs));
        row(md, results, "wss restart: process start to all registered again", r -> restartTime(r.restartWss));
        row(md, results, "wss restart: handshake p50 / p99 / max", r -> handshakes(r.restartWss));
        md.append('\n');
        String relative = doc.toAbsolutePath().getParent().relativize(settings.stormPlot().toAbsolutePath()).toString();
        md.append("![time until every client is registered, per storm](").append(relative).append(")\n\n");
    }

    private static String stormTime(Results.Storm storm) {
        if (storm == null) {
            return "-";
        }
        return fmt("%.2f s (%d of %d, %d failed)", storm.seconds(), storm.registered(), storm.clients(), storm.failed());
    }

    private static String restartTime(Results.Storm storm) {
        if (storm == null) {
            return "-";
        }
        return fmt("%.2f s (first accept after %.2f s; %d of %d, %d failed)", storm.seconds(),
                storm.startupMillis() / 1000, storm.registered(), storm.clients(), storm.failed());
    }

    private static String handshakes(Results.Storm storm) {
        return storm == null ? "-" : fmt("%.0f / %.0f / %.0f ms", storm.p50Millis(), storm.p99Millis(), storm.maxMillis());
    }

    private static void target(StringBuilder md, String target, String ours, String theirs, double ratio, boolean met) {
        md.append("| ").append(target).append(" | ").append(ours).append(" | ").append(theirs).append(" | ")
                .append(Double.isNaN(ratio) || Double.isInfinite(ratio) ? "-" : fmt("%.2f", ratio)).append(" | ")
                .append(met ? "yes" : "no").append(" |\n");
    }

    private static void stormTarget(StringBuilder md, String scheme, Benchmark.Settings settings, Results.Storm ours,
                                    Results.Storm theirs) {
        double a = ours == null ? Double.NaN : ours.seconds();
        double b = theirs == null ? Double.NaN : theirs.seconds();
        boolean met = ours != null && theirs != null && ours.failed() == 0 && ours.registered() == ours.clients()
                && a <= b;
        target(md, settings.storm() + " clients connect and register over " + scheme + " no slower than PeerJS, 0 failed",
                ours == null ? "-" : fmt("%.2f s, %d failed", a, ours.failed()), fmt("PeerJS %.2f s", b), a / b, met);
    }

    private static Results find(List<Results> results, String name) {
        return results.stream().filter(r -> r.name.equals(name)).findFirst().orElse(null);
    }

    private static double value(Results.Rate rate, Function<Results.Rate, Double> f) {
        return rate == null ? Double.NaN : f.apply(rate);
    }

    private static void row(StringBuilder md, List<Results> results, String label, Function<Results, String> cell) {
        md.append("| ").append(label).append(" |");
        for (Results r : results) {
            md.append(' ').append(cell.apply(r)).append(" |");
        }
        md.append('\n');
    }

    private static String cpu(Results.Rate rate) {
        return rate == null || Double.isNaN(rate.cpuMicrosPerMessage()) ? "-" : fmt("%.1f us", rate.cpuMicrosPerMessage());
    }

    private static String latency(Results.Rate rate) {
        if (rate == null) {
            return "-";
        }
        String text = fmt("%.2f / %.2f ms", rate.p50Millis(), rate.p99Millis());
        return rate.errors() > 0 ? text + fmt(" (%d errors)", rate.errors()) : text;
    }

    private static String achieved(Results.Rate rate) {
        return rate == null ? "-" : fmt("%.0f", rate.achieved());
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
