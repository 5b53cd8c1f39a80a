package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.StringReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.api.SignalMessage;

/**
 * A test peer over a real socket: what it receives queues up, and every wait is bounded.
 * By default it reads and answers pings like a browser; {@link Behaviour} makes it misbehave.
 */
public final class PeerClient implements Session.Listener, AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final SignalCodec CODEC = new SignalCodec();

    /** How the client treats the server. */
    enum Behaviour {
        /** Reads everything, answers pings. */
        POLITE,
        /** Reads everything but never answers pings. */
        DEAF_TO_PINGS,
        /** Stops reading after the handshake. */
        NOT_READING
    }

    private final Behaviour behaviour;
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final AtomicInteger pings = new AtomicInteger();
    private volatile Session session;

    /** Close code and reason as the client saw them. */
    record Close(int code, String reason) {
    }

    private PeerClient(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    static PeerClient connect(WebSocketClient client, URI uri) {
        return connect(client, uri, Behaviour.POLITE);
    }

    /** A polite client whose handshake carries these extra headers. */
    static PeerClient connect(WebSocketClient client, URI uri, java.util.Map<String, String> headers) {
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        headers.forEach(request::setHeader);
        return connect(client, uri, Behaviour.POLITE, request);
    }

    static PeerClient connect(WebSocketClient client, URI uri, Behaviour behaviour) {
        return connect(client, uri, behaviour, new ClientUpgradeRequest());
    }

    /** Connects with this upgrade request (headers such as Origin or Authorization). */
    static PeerClient connect(WebSocketClient client, URI uri, ClientUpgradeRequest request) {
        return connect(client, uri, Behaviour.POLITE, request);
    }

    private static PeerClient connect(WebSocketClient client, URI uri, Behaviour behaviour, ClientUpgradeRequest request) {
        PeerClient peer = new PeerClient(behaviour);
        try {
            client.connect(peer, uri, request).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not connect to " + uri, e);
        }
        return peer;
    }

    /** Attempts an upgrade that the server must refuse; returns the HTTP status it answered. */
    static int refusedUpgrade(WebSocketClient client, URI uri, ClientUpgradeRequest request) {
        PeerClient peer = new PeerClient(Behaviour.POLITE);
        try {
            client.connect(peer, uri, request).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UpgradeException upgrade) {
                    return upgrade.getResponseStatusCode();
                }
            }
            throw new AssertionError("the upgrade failed without an HTTP status", e);
        } catch (Exception e) {
            throw new AssertionError("no answer to the upgrade from " + uri, e);
        }
        peer.close();
        return fail("the upgrade to " + uri + " was accepted; expected a refusal");
    }

    @Override
    public void onWebSocketOpen(Session opened) {
        this.session = opened;
        if (behaviour != Behaviour.NOT_READING) {
            opened.demand();
        }
    }

    @Override
    public void onWebSocketText(String text) {
        frames.add(text);
        session.demand();
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        pings.incrementAndGet();
        if (behaviour == Behaviour.POLITE) {
            session.sendPong(payload, Callback.NOOP);
        }
        session.demand();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        session.demand();
    }

    @Override
    public void onWebSocketClose(int code, String reason) {
        closed.complete(new Close(code, reason));
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        closed.complete(new Close(-1, String.valueOf(cause)));
    }

    /** Starts reading again (for a {@link Behaviour#NOT_READING} client). */
    void resumeReading() {
        session.demand();
    }

    void send(String text) {
        Callback.Completable sent = new Callback.Completable();
        session.sendText(text, sent);
        try {
            sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("send failed", e);
        }
    }

    void send(SignalMessage message) {
        send(CODEC.encode(message));
    }

    /** Sends one text message as these fragments (continuation frames after the first). */
    void sendFragments(List<String> fragments) {
        for (int i = 0; i < fragments.size(); i++) {
            Callback.Completable sent = new Callback.Completable();
            session.sendPartialText(fragments.get(i), i == fragments.size() - 1, sent);
            try {
                sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("send failed", e);
            }
        }
    }

    void sendBinary(byte[] data) {
        Callback.Completable sent = new Callback.Completable();
        session.sendBinary(ByteBuffer.wrap(data), sent);
        try {
            sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("send failed", e);
        }
    }

    /** The next frame, as received. */
    String nextFrame() {
        try {
            String frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                fail("no frame within " + WAIT);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame as a JSON object. */
    JsonObject next() {
        return Json.createReader(new StringReader(nextFrame())).readObject();
    }

    /** The next frame, which must have this {@code type}. */
    JsonObject next(String type) {
        JsonObject frame = next();
        assertThat(frame.getString("type")).as("type of %s", frame).isEqualTo(type);
        return frame;
    }

    /** The next frame, which must be an {@code error} with this code; returns its message. */
    String nextError(String code) {
        JsonObject error = next("error");
        assertThat(error.getString("code")).as("code of %s", error).isEqualTo(code);
        return error.getString("message");
    }

    /**
     * Proves nothing else is queued for this client: a ping's pong comes back first. The
     * server answers in order, so anything sent to us before the ping would arrive first.
     */
    void assertNothingPending() {
        long ts = System.nanoTime();
        send("{\"type\":\"ping\",\"ts\":" + ts + "}");
        JsonObject reply = next();
        assertThat(reply.getString("type")).as("expected only our pong, got %s", reply).isEqualTo("pong");
        assertThat(reply.getJsonNumber("ts").longValue()).isEqualTo(ts);
    }

    /**
     * Sends {@code frame} followed by a ping and returns every frame that arrives before the
     * pong: the replies to {@code frame}, in order, and nothing else.
     */
    java.util.List<JsonObject> exchange(String frame) {
        send(frame);
        long ts = System.nanoTime();
        send("{\"type\":\"ping\",\"ts\":" + ts + "}");
        java.util.List<JsonObject> replies = new java.util.ArrayList<>();
        for (JsonObject reply = next(); ; reply = next()) {
            if (reply.getString("type").equals("pong") && reply.getJsonNumber("ts").longValue() == ts) {
                return replies;
            }
            replies.add(reply);
        }
    }

    /** Registers {@code id} and returns the {@code peers} reply. */
    JsonObject register(String id) {
        send("{\"type\":\"register\",\"clientId\":" + Json.createValue(id) + "}");
        return next("peers");
    }

    /** Waits for the close and returns it. */
    Close awaitClose() {
        return awaitClose(WAIT);
    }

    /** Waits up to {@code timeout} for the close and returns it. */
    Close awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("socket not closed within " + timeout, e);
        }
    }

    boolean isOpen() {
        return !closed.isDone() && session != null && session.isOpen();
    }

    int pingsReceived() {
        return pings.get();
    }

    @Override
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close();
        }
    }

    /** The names of the extensions the server accepted in the handshake. */
    List<String> extensions() {
        return session.getUpgradeResponse().getExtensions().stream().map(e -> e.getName()).toList();
    }

    /** Drops the TCP connection without a closing handshake. */
    void disconnect() {
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }
}
