package network.chiral.signaling.load;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import network.chiral.signaling.load.bench.Benchmark;
import network.chiral.signaling.load.floor.FloorRelay;

/**
 * {@code java -jar signaling-load.jar}: the load tool, and the {@code floor} and {@code bench}
 * subcommands. Exit codes: 0 when the run relayed messages without errors (or, for a storm,
 * registered every client), 1 when it saw errors or failed connections, 2 for a bad command line.
 */
public final class LoadMain {
    private LoadMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("floor")) {
            FloorRelay.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("bench")) {
            System.exit(Benchmark.run(Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        System.exit(load(args, System.out));
    }

    /** Runs the load tool and returns its exit code. */
    static int load(String[] args, PrintStream out) throws Exception {
        if (args.length == 0 || Arrays.asList(args).contains("--help")) {
            out.print(LoadOptions.usage());
            return args.length == 0 ? 2 : 0;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("signaling-load: " + e.getMessage());
            System.err.print(LoadOptions.usage());
            return 2;
        }
        if (options.stormRun()) {
            List<StormReport> reports;
            try (Storm storm = new Storm(options, out)) {
                reports = storm.run();
            }
            boolean clean = reports.stream().allMatch(r -> r.failed() == 0)
                    && (!options.reconnect() || reports.size() == 2);
            return clean ? 0 : 1;
        }
        LoadReport report;
        try (LoadRun run = new LoadRun(options, out)) {
            report = run.run();
        }
        out.print(report.format());
        boolean clean = report.errorCount() == 0 && report.failed() == 0
                && (options.pairs() == 0 || report.relayed() > 0);
        return clean ? 0 : 1;
    }
}
