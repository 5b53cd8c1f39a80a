package network.chiral.signaling.load;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One load run: opens the idle and paired connections, drives offer/answer round trips for the
 * warm-up and the measured time, prints a progress line every second and returns the report.
 * Every wait is bounded, so a dead server ends the run with errors instead of hanging it.
 */
public final class LoadRun implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DRAIN = Duration.ofSeconds(2);
    private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(20);
    /** Offers the pacer may have unanswered before it stops piling more onto a server that has fallen over. */
    private static final long MAX_OUTSTANDING = 200_000;

    private final LoadOptions options;
    private final PrintStream progress;
    private final WebSocketClient client;
    private final String tag = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Recorder recorder = new Recorder(3);
    private final LongAdder relayed = new LongAdder();
    private final LongAdder roundTrips = new LongAdder();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger deflating = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final List<LoadPeer> peers = new ArrayList<>();
    private final String padding;
    private volatile boolean measuring;
    private volatile boolean running = true;
    private Runnable measureStarts = () -> { };
    private Runnable measureEnds = () -> { };

    /**
     * @param options  what to run
     * @param progress where the per-second lines go (the report is returned, not printed)
     */
    public LoadRun(LoadOptions options, PrintStream progress) throws Exception {
        this.options = options;
        this.progress = progress;
        int overhead = options.protocol().overhead("b-" + tag + "-" + Math.max(0, options.pairs() - 1));
        this.padding = "x".repeat(Math.max(0, options.payloadBytes() - overhead));
        this.client = client(options);
        client.start();
    }

    /**
     * Runs {@code start} just before the measured time begins and {@code end} just after it
     * ends, on the thread that called {@link #run}: the benchmark reads the server's CPU time
     * there, so the warm-up does not count.
     */
    public LoadRun onMeasure(Runnable start, Runnable end) {
        this.measureStarts = start;
        this.measureEnds = end;
        return this;
    }

    /** The WebSocket client of a run: TLS trust from the options, its own daemon threads, bounded connects. */
    static WebSocketClient client(LoadOptions options) throws Exception {
        SslContextFactory.Client tls = new SslContextFactory.Client(options.insecure());
        if (options.insecure()) {
            tls.setEndpointIdentificationAlgorithm(null);
        }
        if (options.caFile() != null) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(options.caFile())) {
                int n = 0;
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trust.setCertificateEntry("ca-" + n++, certificate);
                }
                if (n == 0) {
                    throw new IllegalArgumentException("--ca-file " + options.caFile() + " holds no certificate");
                }
            }
            tls.setTrustStore(trust);
        }
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("load");
        threads.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        connector.setExecutor(threads);
        HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        http.setMaxConnectionsPerDestination(options.connectConcurrency() * 2);
        http.setMaxRequestsQueuedPerDestination(Math.max(1024, options.connectConcurrency() * 4));
        http.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        WebSocketClient client = new WebSocketClient(http);
        client.setIdleTimeout(Duration.ofMinutes(10));
        client.setMaxTextMessageSize(16 * 1024 * 1024);
        client.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        return client;
    }

    /** Runs the load and returns what it measured. */
    public LoadReport run() throws InterruptedException {
        long started = System.nanoTime();
        openIdle();
        List<LoadPeer[]> pairs = openPairs();
        progress.printf(Locale.ROOT, "connected: %d opened, %d failed in %.1f s%n", opened.get(), failed.get(),
                (System.nanoTime() - started) / 1e9);
        if (options.deflate()) {
            progress.printf(Locale.ROOT, "permessage-deflate offered, accepted on %d connections%n", deflating.get());
        }
        Histogram total = new Histogram(3);
        Thread heartbeat = startHeartbeat();
        long warmupEnd = System.nanoTime() + options.warmup().toNanos();
        long end = warmupEnd + options.duration().toNanos();
        Thread pacer = options.fixedRate() ? startPacer(pairs, end) : null;
        if (!options.fixedRate()) {
            for (LoadPeer[] pair : pairs) {
                for (int i = 0; i < options.window(); i++) {
                    pair[0].offer(System.nanoTime());
                }
            }
        }
        long relayedAtStart = 0;
        long roundTripsAtStart = 0;
        long measureStart = 0;
        long lastRelayed = 0;
        long second = 0;
        long tick = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now >= warmupEnd) {
                measureStarts.run();
                recorder.getIntervalHistogram();
                measureStart = System.nanoTime();
                relayedAtStart = relayed.sum();
                roundTripsAtStart = roundTrips.sum();
                measuring = true;
            }
            if (now >= end) {
                break;
            }
            tick += TimeUnit.SECONDS.toNanos(1);
            long wait = Math.min(tick, end) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Histogram interval = recorder.getIntervalHistogram();
            if (measuring) {
                total.add(interval);
            }
            long r = relayed.sum();
            progress.printf(Locale.ROOT, "[%3ds%s] relayed/s %7d  rtt ms p50 %7.3f p99 %7.3f max %8.3f  errors %d  in flight %d%n",
                    ++second, measuring ? "" : " warm-up", r - lastRelayed,
                    interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
                    interval.getMaxValue() / 1000.0, errorCount(), sent.get() - answered.get());
            lastRelayed = r;
        }
        long measureEnd = System.nanoTime();
        measuring = false;
        running = false;
        long relayedMeasured = relayed.sum() - relayedAtStart;
        long roundTripsMeasured = roundTrips.sum() - roundTripsAtStart;
        measureEnds.run();
        total.add(recorder.getIntervalHistogram());
        if (pacer != null) {
            pacer.join(DRAIN.toMillis());
        }
        heartbeat.interrupt();
        long drainEnd = System.nanoTime() + DRAIN.toNanos();
        while (answered.get() < sent.get() && System.nanoTime() < drainEnd) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        Map<String, Long> errorCounts = new HashMap<>();
        errors.forEach((code, count) -> errorCounts.put(code, count.sum()));
        double seconds = measureStart == 0 ? 0 : (measureEnd - measureStart) / 1e9;
        return new LoadReport(options.protocol(), options.rate(), seconds, relayedMeasured, roundTripsMeasured,
                total.getValueAtPercentile(50), total.getValueAtPercentile(90), total.getValueAtPercentile(99),
                total.getMaxValue(), errorCounts, opened.get(), failed.get(),
                Math.max(0, sent.get() - answered.get()));
    }

    private long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    private void openIdle() throws InterruptedException {
        if (options.idle() == 0) {
            return;
        }
        List<LoadPeer> idle = new ArrayList<>(options.idle());
        for (int i = 0; i < options.idle(); i++) {
            idle.add(new LoadPeer("idle-" + tag + "-" + i, null, false));
        }
        openAll(idle);
    }

    private List<LoadPeer[]> openPairs() throws InterruptedException {
        List<LoadPeer> all = new ArrayList<>();
        List<LoadPeer[]> pairs = new ArrayList<>();
        for (int i = 0; i < options.pairs(); i++) {
            String a = "a-" + tag + "-" + i;
            String b = "b-" + tag + "-" + i;
            LoadPeer offerer = new LoadPeer(a, b, true);
            LoadPeer answerer = new LoadPeer(b, a, false);
            all.add(offerer);
            all.add(answerer);
        }
        openAll(all);
        for (int i = 0; i + 1 < all.size(); i += 2) {
            if (all.get(i).ready() && all.get(i + 1).ready()) {
                pairs.add(new LoadPeer[] {all.get(i), all.get(i + 1)});
            }
        }
        return pairs;
    }

    /** Opens and registers {@code batch}, a bounded number of handshakes at a time. */
    private void openAll(List<LoadPeer> batch) throws InterruptedException {
        Semaphore slots = new Semaphore(options.connectConcurrency());
        List<CompletableFuture<Boolean>> done = new ArrayList<>(batch.size());
        for (LoadPeer peer : batch) {
            slots.acquire();
            CompletableFuture<Boolean> ready = peer.open();
            ready.whenComplete((ok, failure) -> slots.release());
            done.add(ready);
        }
        for (CompletableFuture<Boolean> ready : done) {
            try {
                ready.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Counted as failed by the peer itself (or just below for a timeout).
            }
        }
        for (LoadPeer peer : batch) {
            if (peer.ready()) {
                peers.add(peer);
            } else if (peer.markFailed()) {
                failed.incrementAndGet();
                peer.close();
            }
        }
    }

    private Thread startPacer(List<LoadPeer[]> pairs, long end) {
        Thread pacer = new Thread(() -> pace(pairs, end), "load-pacer");
        pacer.setDaemon(true);
        pacer.start();
        return pacer;
    }

    /** Starts round trips on schedule: the n-th is due at start + n / (rate / 2). */
    private void pace(List<LoadPeer[]> pairs, long end) {
        if (pairs.isEmpty()) {
            return;
        }
        double roundTripsPerNano = options.rate() / 2.0 / 1e9;
        long start = System.nanoTime();
        long issued = 0;
        while (running) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            long due = (long) ((now - start) * roundTripsPerNano);
            while (issued < due) {
                long dueAt = start + (long) (issued / roundTripsPerNano);
                if (sent.get() - answered.get() > MAX_OUTSTANDING) {
                    error("client-backlog");
                } else {
                    pairs.get((int) (issued % pairs.size()))[0].offer(dueAt);
                }
                issued++;
            }
            LockSupport.parkNanos(200_000);
        }
    }

    private Thread startHeartbeat() {
        Thread thread = new Thread(() -> {
            String beat = options.protocol().heartbeat();
            if (beat == null) {
                return;
            }
            try {
                while (true) {
                    TimeUnit.MILLISECONDS.sleep(HEARTBEAT_EVERY.toMillis());
                    for (LoadPeer peer : peers) {
                        peer.send(beat);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "load-heartbeat");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Closes every connection and the client. */
    @Override
    public void close() throws Exception {
        running = false;
        for (LoadPeer peer : peers) {
            peer.close();
        }
        client.stop();
    }

    /** One connection: an idle peer, or one side of a pair. */
    public final class LoadPeer extends LoadSocket {
        private final String id;
        private final String partner;
        private final boolean offerer;
        private final CompletableFuture<Boolean> ready = new CompletableFuture<>();
        private final AtomicInteger state = new AtomicInteger();

        LoadPeer(String id, String partner, boolean offerer) {
            this.id = id;
            this.partner = partner;
            this.offerer = offerer;
        }

        CompletableFuture<Boolean> open() {
            String token = Long.toString(System.nanoTime() & 0xffffffL, 36);
            try {
                ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
                if (options.deflate()) {
                    upgrade.addExtensions("permessage-deflate");
                }
                client.connect(this, options.protocol().connectUri(options.url(), id, token), upgrade)
                        .whenComplete((s, failure) -> {
                            if (failure != null) {
                                fail("connect: " + describe(failure));
                            }
                        });
            } catch (Exception e) {
                fail("connect: " + describe(e));
            }
            return ready;
        }

        boolean ready() {
            return ready.isDone() && Boolean.TRUE.equals(ready.getNow(false));
        }

        /** True if this call is the one that marked the peer failed. */
        boolean markFailed() {
            return state.compareAndSet(0, 2);
        }

        private void fail(String code) {
            if (markFailed()) {
                failed.incrementAndGet();
                error(code);
                ready.complete(false);
            }
        }

        void offer(long dueNanos) {
            sent.incrementAndGet();
            send(options.protocol().relay(true, partner, dueNanos, padding));
        }

        void send(String frame) {
            Session s = session();
            if (s == null || !s.isOpen()) {
                error("send-on-closed");
                return;
            }
            s.sendText(frame, Callback.from(() -> { }, failure -> error("send-failed")));
        }

        @Override
        void opened(Session s) {
            if (s.getUpgradeResponse().getExtensions().stream().anyMatch(e -> e.getName().equals("permessage-deflate"))) {
                deflating.incrementAndGet();
            }
            register(options.protocol(), id);
        }

        @Override
        public void onWebSocketText(String frame) {
            switch (Protocol.kind(frame)) {
                case READY -> {
                    if (state.compareAndSet(0, 1)) {
                        opened.incrementAndGet();
                        ready.complete(true);
                    }
                }
                case OFFER -> {
                    relayed.increment();
                    long t = Frames.longValue(frame, "t");
                    send(options.protocol().relay(false, partner, t, padding));
                }
                case ANSWER -> {
                    long now = System.nanoTime();
                    answered.incrementAndGet();
                    long t = Frames.longValue(frame, "t");
                    // Counted always, so the warm-up shows progress; the report takes differences.
                    relayed.increment();
                    roundTrips.increment();
                    recorder.recordValue(Math.max(0, (now - t) / 1000));
                    if (!options.fixedRate() && running && offerer) {
                        offer(now);
                    }
                }
                case ERROR -> {
                    if (state.get() == 0) {
                        fail(Protocol.errorCode(frame));
                    } else {
                        error(Protocol.errorCode(frame));
                    }
                }
                default -> {
                }
            }
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            if (state.get() == 0) {
                fail("closed " + code);
            } else if (state.get() == 1 && running) {
                error("closed " + code);
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            if (state.get() == 0) {
                fail("connect: " + describe(cause));
            } else if (state.get() == 1 && running) {
                error("socket: " + describe(cause));
            }
        }

        void close() {
            close("load run over");
        }
    }

    /** A failure as an error code: its root cause's type and the start of its message. */
    static String describe(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? "" : ": " + t.getMessage();
        String code = t.getClass().getSimpleName() + message;
        return code.length() > 80 ? code.substring(0, 80) + "..." : code;
    }
}
