package network.chiral.signaling.it;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A client with the Chiral client's habits (its signalingService.ts): it registers as soon as
 * its socket opens, registers the same id again after every reconnect, pays no attention to
 * {@code error} messages, and sends an application {@code ping} every 20 seconds.
 */
final class ChiralLikeClient implements AutoCloseable {
    static final Duration APP_PING_INTERVAL = Duration.ofSeconds(20);

    private final WebSocketClient client;
    private final String id;
    private final ScheduledExecutorService pings;
    private volatile PeerClient socket;

    private ChiralLikeClient(WebSocketClient client, String id) {
        this.client = client;
        this.id = id;
        this.pings = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "chiral-like-pings");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Connects to {@code uri} and registers {@code id} without waiting for the answer. */
    static ChiralLikeClient start(WebSocketClient client, URI uri, String id) {
        ChiralLikeClient chiral = new ChiralLikeClient(client, id);
        chiral.open(uri);
        long every = APP_PING_INTERVAL.toMillis();
        chiral.pings.scheduleAtFixedRate(chiral::ping, every, every, TimeUnit.MILLISECONDS);
        return chiral;
    }

    /** What the client does when its connection dropped: a new socket, the same id. */
    void reconnect(URI uri) {
        open(uri);
    }

    private void open(URI uri) {
        PeerClient fresh = PeerClient.connect(client, uri);
        fresh.send("{\"type\":\"register\",\"clientId\":" + Json.createValue(id) + "}");
        socket = fresh;
    }

    private void ping() {
        PeerClient current = socket;
        if (current != null && current.isOpen()) {
            current.send("{\"type\":\"ping\",\"ts\":" + System.currentTimeMillis() + ",\"from\":" + Json.createValue(id) + "}");
        }
    }

    /** The next frame on the current socket that is not an {@code error}: the client drops those. */
    JsonObject next() {
        while (true) {
            JsonObject frame = socket.next();
            if (!frame.getString("type").equals("error")) {
                return frame;
            }
        }
    }

    String id() {
        return id;
    }

    @Override
    public void close() {
        pings.shutdownNow();
        PeerClient current = socket;
        if (current != null) {
            current.close();
        }
    }
}
