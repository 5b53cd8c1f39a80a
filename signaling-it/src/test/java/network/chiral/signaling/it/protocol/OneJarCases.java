package network.chiral.signaling.it.protocol;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import network.chiral.signaling.it.fixture.Peers;
import network.chiral.signaling.it.fixture.ServerProcess;

/**
 * Cases against one real {@code java -jar} on loopback, started once for the class with the
 * settings its cases are about, and the clients they connect with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneJarCases {
    private final Map<String, String> settings;
    ServerProcess server;
    @RegisterExtension
    final Peers peers = new Peers();

    /** @param settings what the server runs with besides a free port on 127.0.0.1 and no peer-list pushes */
    OneJarCases(Map<String, String> settings) {
        this.settings = settings;
    }

    @BeforeAll
    void start() throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                // The cases follow each frame; PeerListUpdatesIT covers the list pushes.
                "SIGNALING_PEERS_PUSH_MILLIS", "0"));
        environment.putAll(settings);
        server = ServerProcess.start(environment);
        peers.start();
    }

    @AfterAll
    void stop() throws Exception {
        peers.stop();
        server.close();
    }

    /** The server's endpoint, reached without anything in between. */
    URI direct() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }
}
