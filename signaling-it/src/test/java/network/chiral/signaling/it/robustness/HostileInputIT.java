package network.chiral.signaling.it.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.it.fixture.Bystanders;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.HostileFrames.Attack;
import network.chiral.signaling.it.fixture.HostileFrames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.ProcessStats;
import network.chiral.signaling.it.fixture.RawWebSocket;
import network.chiral.signaling.it.fixture.Scrape;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.load.bench.Benchmark;

/**
 * Hostile frames from many sockets at once against the real {@code java -jar} server, while
 * bystander pairs relay. Frame by frame, each answer must be the one docs/protocol.md documents
 * (see {@link HostileFrames}); bystanders must never disconnect or lose a relay; no
 * {@code internal} error, no 1011 and no ERROR log line may occur; and once the attackers leave,
 * the process must fall idle (a thread spinning on a bad frame would keep a core busy).
 *
 * <p>{@code -Dhostile.frames} (default 3000) and {@code -Dhostile.seed} set the size and the
 * sequence; docs/robustness.md has the long run and its figures.
 */
class HostileInputIT {
    private static final Logger LOG = LoggerFactory.getLogger(HostileInputIT.class);
    private static final int FRAMES = Integer.getInteger("hostile.frames", 3_000);
    private static final long SEED = Long.getLong("hostile.seed", 20_261_201L);
    private static final int ATTACKERS = Integer.getInteger("hostile.attackers", 8);
    private static final int BYSTANDER_PAIRS = 3;
    private static final int MAX_MESSAGE_BYTES = 65_536;
    private static final Duration QUIET_BEFORE = Duration.ofSeconds(2);

    private static final Pattern LEADING_TYPE = Pattern.compile("\\{\"type\":\"([^\"]*)\"");

    private final AtomicLong sentinels = new AtomicLong();
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();
    private final Map<HostileFrames.Kind, LongAdder> kinds = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    @Test
    void everyHostileFrameGetsItsDocumentedAnswerAndHurtsNobodyElse() throws Exception {
        Map<String, String> environment = Map.of(
                "PORT", "0",
                "SIGNALING_HOST", "127.0.0.1",
                "SIGNALING_MAX_MESSAGE_BYTES", String.valueOf(MAX_MESSAGE_BYTES),
                // This run is about decoding; the rate limits are the subject of RateLimitIT.
                "SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND", "0",
                "SIGNALING_REGISTRATIONS_PER_MINUTE", "0",
                // Every frame's answer is checked exactly; pushed peer lists would interleave.
                "SIGNALING_PEERS_PUSH_MILLIS", "0");
        // The JVM flags an operator runs it with (README), so memory figures mean what they say.
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(Benchmark.RECOMMENDED_JVM_FLAGS.split(" ")));
        command.addAll(List.of("-jar", ServerProcess.jar().toString()));
        ServerProcess launched = ServerProcess.launch(command, environment);
        launched.awaitListening();
        try (ServerProcess server = launched) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
            WebSocketClient client = new WebSocketClient();
            client.setMaxTextMessageSize(4 * MAX_MESSAGE_BYTES);
            client.start();
            try {
                run(server, uri, client);
            } finally {
                client.stop();
            }
        }
    }

    private void run(ServerProcess server, URI uri, WebSocketClient client) throws Exception {
        ProcessStats.Sample start = ProcessStats.sample(server.pid());
        Bystanders bystanders = Bystanders.start(client, uri, BYSTANDER_PAIRS);
        try {
            bystanders.measureBeforeFor(QUIET_BEFORE);
            long begun = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(ATTACKERS);
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < ATTACKERS; i++) {
                int attacker = i;
                int frames = FRAMES / ATTACKERS + (attacker < FRAMES % ATTACKERS ? 1 : 0);
                runs.add(pool.submit(() -> attack(client, uri, attacker, frames)));
            }
            for (Future<?> run : runs) {
                run.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            long attackMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun);
            ProcessStats.Sample peak = ProcessStats.sample(server.pid());
            bystanders.stop();

            assertThat(failures).as("frames answered otherwise than documented (seed %d)", SEED).isEmpty();
            assertThat(bystanders.failures()).as("bystanders disturbed").isEmpty();
            assertThat(bystanders.relaysDuring()).as("bystander round trips during the attack").isPositive();

            Scrape metrics = Scrape.of(URI.create("http://127.0.0.1:" + server.port() + "/"));
            assertThat(metrics.value("signaling_errors_sent_total{code=\"internal\"}")).as("internal errors").isZero();
            assertThat(metrics.value("signaling_connections_closed_total{code=\"1011\"}")).as("closes with 1011").isZero();
            assertThat(server.output()).as("ERROR lines in the server's log")
                    .noneMatch(line -> line.contains(" ERROR "));

            double idleCpu = ProcessStats.awaitIdle(server.pid(), 0.05, Duration.ofSeconds(20));
            ProcessStats.Sample end = ProcessStats.sample(server.pid());
            report(attackMillis, bystanders, start, peak, end, idleCpu);
        } finally {
            bystanders.close();
        }
    }

    /** One attacker socket's share of the frames, each checked against its expected answer. */
    private void attack(WebSocketClient client, URI uri, int index, int frames) {
        HostileFrames generator = new HostileFrames(SEED * 31 + index, MAX_MESSAGE_BYTES,
                IntStream.range(0, 6).mapToObj(i -> "storm-" + i).toList());
        AttackerSocket socket = new AttackerSocket(client, uri);
        try {
            for (int n = 0; n < frames && failures.size() < 5; n++) {
                Attack attack = generator.next(socket);
                kinds.computeIfAbsent(attack.kind(), k -> new LongAdder()).increment();
                try {
                    String problem = socket.deliver(attack);
                    if (problem != null) {
                        failures.add("attacker " + index + " frame " + n + ": " + attack.shown() + " -> " + problem);
                    }
                } catch (AssertionError | IOException e) {
                    failures.add("attacker " + index + " frame " + n + ": " + attack.shown() + " -> " + e);
                    socket.reconnect();
                }
            }
        } finally {
            socket.close();
        }
    }

    /** An attacker's socket and what the server has granted it. */
    private final class AttackerSocket implements HostileFrames.Attacker {
        private final WebSocketClient client;
        private final URI uri;
        private PeerClient peer;
        private String id;

        AttackerSocket(WebSocketClient client, URI uri) {
            this.client = client;
            this.uri = uri;
            this.peer = PeerClient.connect(client, uri);
        }

        @Override
        public String id() {
            return id;
        }

        /** Sends the frame and checks what comes back; returns what was wrong, or null. */
        String deliver(Attack attack) throws IOException {
            return switch (attack.carrier()) {
                case RAW_BYTES -> raw(attack);
                case TEXT, BINARY, FRAGMENTED -> attack.expect() instanceof HostileFrames.Closed closed
                        ? closing(attack, closed.code()) : answered(attack);
            };
        }

        private String raw(Attack attack) throws IOException {
            try (RawWebSocket raw = RawWebSocket.open(uri, PeerClient.WAIT)) {
                raw.sendText(attack.bytes());
                int code = raw.awaitCloseCode();
                closes.computeIfAbsent(code, c -> new LongAdder()).increment();
                int expected = ((HostileFrames.Closed) attack.expect()).code();
                return code == expected ? null : "closed with " + code + ", expected " + expected;
            }
        }

        private String closing(Attack attack, int expected) {
            peer.send(attack.text());
            int code = peer.awaitClose().code();
            closes.computeIfAbsent(code, c -> new LongAdder()).increment();
            reconnect();
            return code == expected ? null : "closed with " + code + ", expected " + expected;
        }

        private String answered(Attack attack) {
            switch (attack.carrier()) {
                case BINARY -> peer.sendBinary(attack.bytes());
                case FRAGMENTED -> peer.sendFragments(attack.fragments());
                default -> peer.send(attack.text());
            }
            List<String> replies = repliesBeforeSentinel();
            for (String reply : replies) {
                // The server writes type first; relays are not parsed (their payload may hold numbers
                // too long for a JSON-P reader).
                Matcher type = LEADING_TYPE.matcher(reply);
                String name = !type.lookingAt() ? "unreadable" : type.group(1).startsWith("app-") ? "app" : type.group(1);
                if (name.equals("error") || name.equals("peers")) {
                    JsonObject object = Json.createReader(new StringReader(reply)).readObject();
                    if (name.equals("peers")) {
                        id = object.getJsonArray("peers").getString(0);
                    } else {
                        name = "error " + object.getString("code");
                    }
                }
                answers.computeIfAbsent(name, k -> new LongAdder()).increment();
            }
            return Verdict.of(attack.expect(), replies);
        }

        /** Every frame that arrives before the pong to a ping sent now, in order. */
        private List<String> repliesBeforeSentinel() {
            long ts = -sentinels.incrementAndGet();
            String sentinel = Frames.pong(ts);
            peer.send(Frames.ping(ts));
            List<String> replies = new ArrayList<>();
            for (String frame = peer.nextFrame(); !frame.equals(sentinel); frame = peer.nextFrame()) {
                replies.add(frame);
            }
            return replies;
        }

        void reconnect() {
            peer.close();
            peer = PeerClient.connect(client, uri);
            id = null;
        }

        void close() {
            peer.close();
        }
    }

    /** Whether the replies are the expected answer; what was wrong otherwise. */
    private static final class Verdict {
        private static final List<String> LEAKS = List.of("Exception", "begin ", "deeply nested", "at org.", "at java.");

        static String of(HostileFrames.Expect expect, List<String> replies) {
            for (String reply : replies) {
                if (reply.contains("\"code\":\"internal\"") || LEAKS.stream().anyMatch(reply::contains)) {
                    return "internal failure or leaked exception text: " + replies;
                }
            }
            boolean right = expect.accepts(replies);
            return right ? null : "expected " + expect + ", got " + replies;
        }
    }

    private void report(long attackMillis, Bystanders bystanders, ProcessStats.Sample start,
                        ProcessStats.Sample peak, ProcessStats.Sample end, double idleCpu) throws IOException {
        long sent = kinds.values().stream().mapToLong(LongAdder::sum).sum();
        String text = String.join("\n",
                "frames: " + sent + " from " + ATTACKERS + " attackers in " + attackMillis + " ms (seed " + SEED + ")",
                "frames by kind: " + sorted(kinds),
                "answers: " + sorted(answers),
                "closes by code: " + sorted(closes),
                String.format("bystander round trip (offer there, answer back) before: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d)",
                        bystanders.before().p50(), bystanders.before().p99(), bystanders.before().max(), bystanders.before().count()),
                String.format("bystander round trip during the attack: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d)",
                        bystanders.during().p50(), bystanders.during().p99(), bystanders.during().max(), bystanders.during().count()),
                String.format("RSS: %.1f MB at start, %.1f MB after the attack, %.1f MB once idle",
                        start.rssMegabytes(), peak.rssMegabytes(), end.rssMegabytes()),
                String.format("process CPU once the attackers left: %.3f cores", idleCpu));
        LOG.info("hostile input run:\n{}", text);
        Path out = Path.of("target", "hostile-input-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text + "\n", StandardCharsets.UTF_8);
    }

    private static <K extends Comparable<K>> String sorted(Map<K, LongAdder> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue().sum()).collect(Collectors.joining(", "));
    }
}
