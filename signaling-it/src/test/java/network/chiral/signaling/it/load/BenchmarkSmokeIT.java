package network.chiral.signaling.it.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.ServerProcess;

/**
 * The benchmark's few-second smoke mode, through the shipped {@code signaling-load.jar}, against
 * the real server jar and the floor relay (PeerJS needs npm, so the full run alone includes it),
 * connection storms over ws and wss and after restarts included.
 * It keeps the benchmark from rotting; it asserts that every phase ran, never how fast.
 */
class BenchmarkSmokeIT {

    @Test
    void smokeRunWritesTheTableAndThePlot() throws Exception {
        Path loadJar = Path.of(System.getProperty("signaling.load.jar", "target/signaling-load.jar"));
        Path out = Path.of("target", "benchmark-smoke-it");
        Path doc = out.resolve("benchmarks.md");
        Path plot = out.resolve("latency.png");
        Path stormPlot = out.resolve("storm.png");
        Files.createDirectories(out);
        Files.deleteIfExists(doc);
        Files.deleteIfExists(plot);
        Files.deleteIfExists(stormPlot);
        Path log = out.resolve("bench.log");
        Process bench = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", loadJar.toString(),
                "bench", "--smoke", "--only", "chiral,floor", "--server-jar", ServerProcess.jar().toString(),
                "--doc", doc.toString(), "--plot", plot.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(bench.waitFor(300, TimeUnit.SECONDS)).as("benchmark finished; log in %s", log).isTrue();
        } finally {
            bench.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(bench.exitValue()).as(output).isZero();
        String table = Files.readString(doc, StandardCharsets.UTF_8);
        assertThat(table).contains("| measure | chiral | floor |", "CPU per relayed message at 2000/s",
                "RSS per idle registered connection", "start to first accepted connection", "idle RSS <= 50 MB");
        assertThat(table).contains("| storm | chiral | floor |", "ws: time to all registered",
                "wss: time to all registered", "ws restart: process start to all registered again",
                "wss restart: process start to all registered again", "(200 of 200, 0 failed)", "](storm.png)");
        assertThat(table).doesNotContain("problem with");
        for (Path png : List.of(plot, stormPlot)) {
            assertThat(Files.size(png)).isPositive();
            assertThat(Files.readAllBytes(png)).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        }
    }
}
