package network.chiral.signaling.it.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.load.LoadOptions;
import network.chiral.signaling.load.Storm;
import network.chiral.signaling.load.StormReport;

import network.chiral.signaling.it.fixture.Ports;
import network.chiral.signaling.it.fixture.Scrape;
import network.chiral.signaling.it.fixture.ServerProcess;

/**
 * The load tool's connection storm against the executable jar, small: a few hundred clients
 * connecting at once, then the same clients coming back with their ids after the server is
 * restarted. It checks that every client registers, never how fast (that is the benchmark's).
 */
class StormIT {
    private static final Duration RECONNECT_LIMIT = Duration.ofSeconds(60);

    private static Map<String, String> settings(int port) {
        return Map.of("PORT", Integer.toString(port), "SIGNALING_HOST", "127.0.0.1", "SIGNALING_DRAIN_SECONDS", "0");
    }

    @Test
    void theShippedToolRunsAStormAndEveryClientRegisters() throws Exception {
        try (ServerProcess server = ServerProcess.start(settings(0))) {
            Path loadJar = Path.of(System.getProperty("signaling.load.jar", "target/signaling-load.jar"));
            Path log = Files.createTempFile(Files.createDirectories(Path.of("target", "process-logs")), "storm-", ".log");
            Process storm = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", loadJar.toString(),
                    "--url", "ws://127.0.0.1:" + server.port() + "/", "--storm", "300", "--connect-concurrency", "50"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertThat(storm.waitFor(120, TimeUnit.SECONDS)).as("storm finished; log in %s", log).isTrue();
            } finally {
                storm.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);

            assertThat(storm.exitValue()).as(output).isZero();
            assertThat(output).contains("=== storm report ===", "protocol            chiral over ws",
                    "clients             300, 50 handshakes at a time", "registered          300, 0 failed",
                    "handshake ms", "attempts            300");
        }
    }

    @Test
    void afterARestartEveryClientRegistersAgainWithItsId() throws Exception {
        int port = Ports.free();
        ServerProcess first = ServerProcess.start(settings(port));
        LoadOptions options = LoadOptions.defaults(URI.create("ws://127.0.0.1:" + port + "/")).withStorm(200, 40, true);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (Storm storm = new Storm(options, new PrintStream(progress, true, StandardCharsets.UTF_8))) {
            StormReport connected;
            try (first) {
                connected = storm.connectAll();
                first.terminate();
                assertThat(first.awaitExit(Duration.ofSeconds(30))).isZero();
            }
            try (ServerProcess second = ServerProcess.start(settings(port))) {
                StormReport again = storm.awaitReconnect(RECONNECT_LIMIT);

                assertThat(connected.registered()).isEqualTo(200);
                assertThat(connected.failed()).isZero();
                assertThat(again.stage()).isEqualTo("reconnect");
                assertThat(again.registered()).as(progress.toString(StandardCharsets.UTF_8)).isEqualTo(200);
                assertThat(again.failed()).isZero();
                assertThat(again.attempts()).isGreaterThanOrEqualTo(200);
                assertThat(again.format()).contains("registered          200, 0 failed", "retried attempts");
                // Each came back under its own id: the new server knows all 200 of them.
                assertThat(Scrape.get(URI.create("http://127.0.0.1:" + second.port() + "/health")).body())
                        .contains("\"peers\":200");
            }
        }
    }
}
