package network.chiral.signaling.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.ServerProcess;

/** The executable jar as an operator meets it: flags, bad configuration, start-up, SIGTERM. */
class ExecutableJarLifecycleIT {
    private static final Duration EXIT = Duration.ofSeconds(20);
    private static WebSocketClient client;

    @BeforeAll
    static void startClient() throws Exception {
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    static void stopClient() throws Exception {
        client.stop();
    }

    @Test
    void helpListsEverySettingAndExitsZero() throws Exception {
        try (ServerProcess help = ServerProcess.launch(Map.of(), "--help")) {
            assertThat(help.awaitExit(EXIT)).isZero();
            String text = String.join("\n", help.output());
            assertThat(text).contains("--port", "PORT", "SIGNALING_PEERS_LIST_LIMIT", "SIGNALING_IDLE_TIMEOUT_SECONDS",
                    "SIGNALING_SEND_QUEUE_BYTES", "SIGNALING_MAX_MESSAGE_BYTES", "SIGNALING_LOG_LEVEL", "(default 9000)");
        }
    }

    @Test
    void versionPrintsTheVersion() throws Exception {
        try (ServerProcess version = ServerProcess.launch(Map.of(), "--version")) {
            assertThat(version.awaitExit(EXIT)).isZero();
            assertThat(version.output()).singleElement().asString().matches("signaling-server \\d+\\.\\d+\\.\\d+.*");
        }
    }

    @Test
    void badConfigurationExitsTwoWithOneLineNamingTheSetting() throws Exception {
        try (ServerProcess bad = ServerProcess.launch(Map.of("PORT", "nine thousand"))) {
            assertThat(bad.awaitExit(EXIT)).isEqualTo(2);
            assertThat(bad.output()).containsExactly("signaling-server: PORT='nine thousand': expected an integer from 0 to 65535");
        }
        try (ServerProcess bad = ServerProcess.launch(Map.of(), "--idle-timeout-seconds", "0")) {
            assertThat(bad.awaitExit(EXIT)).isEqualTo(2);
            assertThat(bad.output()).singleElement().asString().startsWith("signaling-server: SIGNALING_IDLE_TIMEOUT_SECONDS='0'");
        }
        try (ServerProcess bad = ServerProcess.launch(Map.of(), "--no-such-flag", "1")) {
            assertThat(bad.awaitExit(EXIT)).isEqualTo(2);
            assertThat(bad.output()).singleElement().asString().contains("unknown option --no-such-flag");
        }
    }

    @Test
    void aPortInUseIsReportedAndExitsOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            try (ServerProcess server = ServerProcess.launch(Map.of("PORT", String.valueOf(taken.getLocalPort())))) {
                assertThat(server.awaitExit(EXIT)).isEqualTo(1);
                assertThat(String.join("\n", server.output())).contains("cannot listen on 0.0.0.0:" + taken.getLocalPort());
            }
        }
    }

    @Test
    void withNoConfigurationItListensOnAllInterfacesOnPort9000() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of())) {
            assertThat(server.port()).isEqualTo(9000);
            String start = server.output().stream().filter(l -> l.contains("listening on")).findFirst().orElseThrow();
            assertThat(start).contains("signaling-server ", "listening on 0.0.0.0:9000", "PORT=9000",
                    "SIGNALING_PEERS_LIST_LIMIT=1000", "SIGNALING_LOG_LEVEL=info");
            try (PeerClient peer = PeerClient.connect(client, URI.create("ws://localhost:9000/"))) {
                assertThat(peer.register("default-config-peer").getJsonArray("peers")).hasSize(1);
            }
        }
    }

    @Test
    void rustLogFromTheOriginalUnitSetsTheLevel() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "RUST_LOG", "debug"))) {
            assertThat(server.output()).anySatisfy(l -> assertThat(l).contains("SIGNALING_LOG_LEVEL=debug"));
        }
    }

    @Test
    void sigtermClosesEverySocketWith1001AndExitsZero() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1"))) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
            List<PeerClient> peers = List.of(PeerClient.connect(client, uri), PeerClient.connect(client, uri));
            peers.get(0).register("leaving-1");
            peers.get(1).register("leaving-2");
            server.terminate();
            for (PeerClient peer : peers) {
                PeerClient.Close close = peer.awaitClose();
                assertThat(close.code()).isEqualTo(1001);
                assertThat(close.reason()).isEqualTo("server shutting down");
            }
            assertThat(server.awaitExit(EXIT)).isZero();
            assertThat(server.output()).anySatisfy(l -> assertThat(l).contains("connection closed", "closeCode=\"1001\""));
        }
    }
}
