package network.chiral.signaling.it.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.load.LoadOptions;
import network.chiral.signaling.load.LoadReport;
import network.chiral.signaling.load.LoadRun;
import network.chiral.signaling.load.floor.FloorRelay;

/** The load tool against the embedded server and the floor relay, briefly, over real sockets. */
class LoadToolIT {

    private static LoadReport run(LoadOptions options, ByteArrayOutputStream progress) throws Exception {
        try (LoadRun run = new LoadRun(options, new PrintStream(progress, true, StandardCharsets.UTF_8))) {
            return run.run();
        }
    }

    private static LocalServer server() throws Exception {
        // The load tool measures throughput: at --rate 400 over 4 pairs each socket sends 50
        // relays a second, right at the per-socket rate that is on by default, so it is off here.
        return LocalServer.start(Map.of("SIGNALING_LOG_LEVEL", "warn", "SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND", "0"));
    }

    @Test
    void fixedRateRoundTripsThroughTheServerWithoutErrors() throws Exception {
        try (LocalServer server = server()) {
            LoadOptions options = LoadOptions.parse("--url", server.uri().toString(), "--pairs", "4", "--rate", "400",
                    "--duration", "2s", "--payload", "1500", "--idle", "20");
            ByteArrayOutputStream progress = new ByteArrayOutputStream();

            LoadReport report = run(options, progress);

            assertThat(report.errors()).isEmpty();
            assertThat(report.failed()).isZero();
            assertThat(report.opened()).isEqualTo(20 + 8);
            assertThat(report.relayed()).isPositive();
            assertThat(report.roundTrips()).isPositive();
            assertThat(report.p50Micros()).isPositive();
            assertThat(report.maxMicros()).isGreaterThanOrEqualTo(report.p99Micros());
            assertThat(progress.toString(StandardCharsets.UTF_8)).contains("relayed/s");
            assertThat(report.format()).contains("relayed", "p99", "28 opened, 0 failed");
        }
    }

    @Test
    void fullSpeedAgainstTheFloorRelay() throws Exception {
        try (FloorRelay floor = FloorRelay.start("127.0.0.1", 0)) {
            LoadOptions options = LoadOptions.parse("--url", "ws://127.0.0.1:" + floor.port() + "/", "--pairs", "4",
                    "--rate", "max", "--window", "2", "--duration", "1s", "--payload", "200");

            LoadReport report = run(options, new ByteArrayOutputStream());

            assertThat(report.errors()).isEmpty();
            assertThat(report.opened()).isEqualTo(8);
            assertThat(report.relayed()).isPositive();
        }
    }

    @Test
    void offersPermessageDeflateWhenAskedAndSaysWhereItWasAccepted() throws Exception {
        // The floor relay is bare Jetty, which accepts the extension (this server declines it).
        try (FloorRelay floor = FloorRelay.start("127.0.0.1", 0)) {
            LoadOptions options = LoadOptions.parse("--url", "ws://127.0.0.1:" + floor.port() + "/", "--pairs", "4",
                    "--rate", "max", "--window", "2", "--duration", "1s", "--payload", "200", "--permessage-deflate");
            ByteArrayOutputStream progress = new ByteArrayOutputStream();

            LoadReport report = run(options, progress);

            assertThat(report.errors()).isEmpty();
            assertThat(report.relayed()).isPositive();
            assertThat(progress.toString(StandardCharsets.UTF_8)).contains("permessage-deflate offered, accepted on 8 connections");
        }
    }

    @Test
    void countsRefusalsByCodeAndFailedConnections() throws Exception {
        try (LocalServer server = server()) {
            URI base = server.uri();
            // A path the server has no endpoint on: every handshake fails, none hangs.
            LoadOptions options = LoadOptions.parse("--url", base.resolve("/nowhere").toString(), "--pairs", "2",
                    "--duration", "500ms");

            LoadReport report = run(options, new ByteArrayOutputStream());

            assertThat(report.opened()).isZero();
            assertThat(report.failed()).isEqualTo(4);
            assertThat(report.errors().keySet()).allMatch(code -> code.startsWith("connect: "));
            assertThat(report.relayed()).isZero();
        }
    }

    @Test
    void warmUpIsNotMeasured() throws Exception {
        try (LocalServer server = server()) {
            LoadOptions options = LoadOptions.parse("--url", server.uri().toString(), "--pairs", "2", "--rate", "200",
                    "--warmup", "1s", "--duration", "1s");

            LoadReport report = run(options, new ByteArrayOutputStream());

            assertThat(report.seconds()).isBetween(0.9, Duration.ofSeconds(3).toSeconds() * 1.0);
            assertThat(report.errors()).isEmpty();
            assertThat(report.relayed()).isPositive();
        }
    }
}
