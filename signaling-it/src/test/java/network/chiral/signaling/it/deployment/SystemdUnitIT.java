package network.chiral.signaling.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.ChildProcess;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.WorkDirectories;

/**
 * docs/systemd/chiral-signaling.service passes {@code systemd-analyze verify} without a single
 * warning. verify requires the ExecStart program to exist, so the unit is checked as installed
 * here: the java path and the jar path are pointed at this machine's java and the built jar,
 * and nothing else is changed.
 */
class SystemdUnitIT {
    private static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");

    static Path shippedUnit() {
        Path unit = Path.of(System.getProperty("signaling.docs", "../docs"), "systemd", "chiral-signaling.service");
        assertThat(Files.isRegularFile(unit)).as("unit at %s", unit).isTrue();
        return unit;
    }

    @Test
    void theUnitVerifiesCleanly() throws Exception {
        assertThat(Files.isExecutable(SYSTEMD_ANALYZE)).as("systemd-analyze (Debian's systemd package)").isTrue();
        String shipped = Files.readString(shippedUnit());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        String rendered = shipped
                .replace("ExecStart=/usr/bin/java ", "ExecStart=" + java + " ")
                .replace("/opt/chiral-signaling/signaling-server.jar", ServerProcess.jar().toRealPath().toString());
        assertThat(rendered).contains("ExecStart=" + java + " ").doesNotContain("/opt/chiral-signaling/signaling-server.jar");
        Path directory = WorkDirectories.fresh("systemd");
        Path unit = directory.resolve("chiral-signaling.service");
        Files.writeString(unit, rendered);

        Process verify = new ProcessBuilder(SYSTEMD_ANALYZE.toString(), "verify", "--man=no", unit.toString())
                .redirectErrorStream(true).start();
        assertThat(verify.waitFor(30, TimeUnit.SECONDS)).as("systemd-analyze finished").isTrue();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.exitValue()).as(output).isZero();
        assertThat(output).as("warnings from systemd-analyze verify").isBlank();
    }

    /**
     * The unit's own ExecStart command line (its JVM flags included) starts a working server, and
     * SIGTERM, which {@code systemctl stop} sends, closes every socket with 1001 and exits 0.
     */
    @Test
    void theExecStartCommandServesAndStopsGracefullyOnSigterm() throws Exception {
        String execStart = Files.readAllLines(shippedUnit()).stream().filter(l -> l.startsWith("ExecStart="))
                .findFirst().orElseThrow().substring("ExecStart=".length());
        List<String> command = new java.util.ArrayList<>(List.of(execStart.split(" ")));
        assertThat(command.get(0)).isEqualTo("/usr/bin/java");
        command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.replaceAll(a -> a.equals("/opt/chiral-signaling/signaling-server.jar") ? ServerProcess.jar().toString() : a);
        ChildProcess server = ChildProcess.start("unit-exec-start", command, WorkDirectories.fresh("systemd-run"),
                java.util.Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1", "SIGNALING_DRAIN_SECONDS", "1"));
        org.eclipse.jetty.websocket.client.WebSocketClient client = new org.eclipse.jetty.websocket.client.WebSocketClient();
        client.start();
        try {
            java.util.regex.Pattern listening = java.util.regex.Pattern.compile("listening on [^ ]+:(\\d+)");
            Await.until("the server listens: " + server.describe(), ServerProcess.START_TIMEOUT,
                    () -> server.output().stream().anyMatch(l -> listening.matcher(l).find()));
            java.util.regex.Matcher port = listening.matcher(server.output().stream()
                    .filter(l -> listening.matcher(l).find()).findFirst().orElseThrow());
            assertThat(port.find()).isTrue();
            PeerClient peer = PeerClient.connect(client, java.net.URI.create("ws://127.0.0.1:" + port.group(1) + "/"));
            peer.register(PeerClient.newId());

            server.terminate();
            assertThat(peer.awaitClose().code()).isEqualTo(1001);
            assertThat(server.awaitExit(java.time.Duration.ofSeconds(15))).as(server.describe()).isZero();
        } finally {
            client.stop();
            server.close();
        }
    }

    @Test
    void theUnitCarriesTheHardeningAndGracefulStop() throws Exception {
        List<String> lines = Files.readAllLines(shippedUnit());
        assertThat(lines).contains("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                "PrivateDevices=yes", "CapabilityBoundingSet=", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                "MemoryMax=768M", "LimitNOFILE=65536", "KillSignal=SIGTERM", "Restart=always", "RestartSec=10",
                "Environment=PORT=9000");
    }
}
