package network.chiral.signaling.it;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.embedded.SignalingServer;

/** A server in this JVM on a free loopback port, with the given settings over the defaults. */
final class LocalServer implements AutoCloseable {
    private final SignalingServer server;

    private LocalServer(SignalingServer server) {
        this.server = server;
    }

    static LocalServer start(Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(settings);
        all.put("SIGNALING_HOST", "127.0.0.1");
        all.put("PORT", "0");
        return new LocalServer(SignalingServer.start(Settings.load(all::get)));
    }

    URI uri() {
        return server.uri();
    }

    /** The endpoint URI with {@code ?token=}. */
    URI uri(String token) {
        return URI.create(server.uri() + "?token=" + token);
    }

    /** Open sockets, as the server counts them. */
    int connections() {
        return server.node().connections();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
