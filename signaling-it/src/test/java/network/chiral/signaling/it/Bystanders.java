package network.chiral.signaling.it;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import jakarta.json.JsonObject;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Pairs of well-behaved peers that relay all the time while something else goes on: one sends
 * a numbered offer, the other answers it, and the first times the round trip. Every offer and
 * answer must arrive, in order and unaltered, and no bystander may be disconnected.
 */
final class Bystanders implements AutoCloseable {
    private static final Duration PACE = Duration.ofMillis(2);

    /** Round-trip figures in milliseconds. */
    record Figures(double p50, double p99, double max, long count) {
        static Figures of(Histogram micros) {
            return new Figures(micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                    micros.getMaxValue() / 1000.0, micros.getTotalCount());
        }
    }

    private final List<PeerClient> peers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Histogram before = new ConcurrentHistogram(3);
    private final Histogram during = new ConcurrentHistogram(3);
    private final long paceNanos;
    private volatile boolean measuringBefore = true;
    private volatile boolean running = true;

    private Bystanders(Duration pace) {
        this.paceNanos = pace.toNanos();
    }

    /** Connects and registers {@code pairs} pairs and sets them relaying, 2 ms apart. */
    static Bystanders start(WebSocketClient client, URI uri, int pairs) {
        return start(client, uri, pairs, PACE);
    }

    /**
     * The same, with {@code pace} between one round trip and the next: at least 20 ms keeps each
     * socket under the default per-socket rate of 50 messages a second.
     */
    static Bystanders start(WebSocketClient client, URI uri, int pairs, Duration pace) {
        Bystanders bystanders = new Bystanders(pace);
        for (int i = 0; i < pairs; i++) {
            String a = "bystander-a-" + UUID.randomUUID();
            String b = "bystander-b-" + UUID.randomUUID();
            PeerClient caller = PeerClient.connect(client, uri);
            PeerClient callee = PeerClient.connect(client, uri);
            bystanders.peers.add(caller);
            bystanders.peers.add(callee);
            caller.register(a);
            callee.register(b);
            Thread thread = new Thread(() -> bystanders.relay(caller, a, callee, b), "bystander-" + i);
            thread.setDaemon(true);
            bystanders.threads.add(thread);
        }
        bystanders.threads.forEach(Thread::start);
        return bystanders;
    }

    private void relay(PeerClient caller, String a, PeerClient callee, String b) {
        try {
            for (long seq = 0; running; seq++) {
                long sent = System.nanoTime();
                caller.send("{\"type\":\"offer\",\"to\":\"" + b + "\",\"sdp\":{\"seq\":" + seq + "}}");
                JsonObject offer = callee.next("offer");
                check(offer, a, seq);
                callee.send("{\"type\":\"answer\",\"to\":\"" + a + "\",\"sdp\":{\"seq\":" + seq + "}}");
                JsonObject answer = caller.next("answer");
                check(answer, b, seq);
                long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent);
                (measuringBefore ? before : during).recordValue(micros);
                LockSupport.parkNanos(paceNanos);
            }
        } catch (AssertionError | RuntimeException e) {
            failures.add(a + " <-> " + b + ": " + e);
        }
    }

    private static void check(JsonObject relay, String from, long seq) {
        if (!relay.getString("from").equals(from) || relay.getJsonObject("sdp").getJsonNumber("seq").longValue() != seq) {
            throw new AssertionError("expected seq " + seq + " from " + from + ", got " + relay);
        }
    }

    /** Lets the pairs relay undisturbed for {@code window}, then counts what follows as "during". */
    void measureBeforeFor(Duration window) throws InterruptedException {
        // A measurement window, not a wait for a condition: the pairs relay throughout it.
        Thread.sleep(window.toMillis());
        measuringBefore = false;
    }

    /** Stops relaying, waits for the pairs to finish their round trip, and checks all are open. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(PeerClient.WAIT.toMillis() * 3);
            if (thread.isAlive()) {
                failures.add(thread.getName() + " still relaying after stop");
            }
        }
        for (PeerClient peer : peers) {
            if (!peer.isOpen()) {
                failures.add("a bystander was disconnected");
            }
        }
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    Figures before() {
        return Figures.of(before);
    }

    Figures during() {
        return Figures.of(during);
    }

    long relaysDuring() {
        return during.getTotalCount();
    }

    @Override
    public void close() {
        running = false;
        peers.forEach(PeerClient::close);
    }
}
