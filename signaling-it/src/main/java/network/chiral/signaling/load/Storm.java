package network.chiral.signaling.load;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A connection storm: many clients connect and register at once, a bounded number of
 * handshakes at a time, as every client of a network does after a server restart, a deploy or
 * a network blip. {@link #connectAll} times the storm; {@link #awaitReconnect} then waits for
 * the server to drop the clients (a restart) and times how long they take to register again
 * with the same ids, retrying refused attempts as real clients do. Every wait is bounded: a
 * handshake by {@link #HANDSHAKE_TIMEOUT}, the reconnect by its limit.
 */
public final class Storm implements AutoCloseable {
    /** A handshake (connect, TLS, upgrade, register) that takes longer has failed. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);
    /** How long a client waits after a failed attempt before the next, give or take half. */
    static final Duration RETRY_DELAY = Duration.ofMillis(250);
    private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(20);

    private final LoadOptions options;
    private final PrintStream progress;
    private final WebSocketClient client;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread thread = new Thread(r, "storm-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final Semaphore slots;
    private final BlockingQueue<Client> due = new LinkedBlockingQueue<>();
    private final List<Client> clients = new ArrayList<>();
    private final Thread dispatcher;
    private final Thread heartbeat;
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicInteger registered = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicLong lastRegistered = new AtomicLong();
    private final AtomicLong firstDropped = new AtomicLong();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Recorder handshakes = new Recorder(3);
    private volatile boolean reconnecting;
    private volatile boolean closing;

    /**
     * @param options  the URL, protocol, TLS trust, {@code storm} clients and {@code connectConcurrency}
     * @param progress where the per-second lines go (reports are returned, not printed)
     */
    public Storm(LoadOptions options, PrintStream progress) throws Exception {
        if (!options.stormRun()) {
            throw new IllegalArgumentException("a storm needs --storm N");
        }
        this.options = options;
        this.progress = progress;
        this.slots = new Semaphore(options.connectConcurrency());
        this.client = LoadRun.client(options);
        client.start();
        String tag = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
        for (int i = 0; i < options.storm(); i++) {
            clients.add(new Client("storm-" + tag + "-" + i));
        }
        timer.setRemoveOnCancelPolicy(true);
        dispatcher = new Thread(this::dispatch, "storm-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
        heartbeat = new Thread(this::beat, "storm-heartbeat");
        heartbeat.setDaemon(true);
        heartbeat.start();
    }

    /**
     * Runs the storm (and, with {@code --reconnect}, waits for the server to drop the clients and
     * times their return), printing each report. Returns the reports in order.
     */
    public List<StormReport> run() throws InterruptedException {
        List<StormReport> reports = new ArrayList<>();
        StormReport storm = connectAll();
        reports.add(storm);
        progress.print(storm.format());
        if (options.reconnect()) {
            progress.printf(Locale.ROOT, "waiting up to %d s for the server to drop the clients (restart it now); "
                    + "they reconnect with the same ids%n", options.duration().toSeconds());
            StormReport again = awaitReconnect(options.duration());
            reports.add(again);
            progress.print(again.format());
        }
        return reports;
    }

    /** Every client connects and registers, {@code connectConcurrency} handshakes at a time; failures are not retried. */
    public StormReport connectAll() throws InterruptedException {
        reconnecting = options.reconnect();
        long started = System.nanoTime();
        handshakes.reset();
        due.addAll(clients);
        Histogram total = new Histogram(3);
        long tick = started;
        int second = 0;
        while (finished.get() < clients.size()) {
            tick += TimeUnit.SECONDS.toNanos(1);
            waitFor(() -> finished.get() >= clients.size(), tick);
            total.add(handshakes.getIntervalHistogram());
            progress.printf(Locale.ROOT, "[%3ds] registered %6d of %d  in flight %4d  failed %d%n", ++second,
                    registered.get(), clients.size(), options.connectConcurrency() - slots.availablePermits(),
                    errorCount());
        }
        total.add(handshakes.getIntervalHistogram());
        double seconds = registered.get() == 0 ? 0 : (lastRegistered.get() - started) / 1e9;
        return report("storm", registered.get(), clients.size() - registered.get(), seconds, total);
    }

    /**
     * Waits up to {@code limit} for the server to drop every client and for each to register
     * again with its id, then reports the second stage. Needs {@code --reconnect}, which makes
     * clients come back when the server drops them.
     */
    public StormReport awaitReconnect(Duration limit) throws InterruptedException {
        if (!reconnecting) {
            throw new IllegalStateException("the storm was not started with --reconnect");
        }
        long deadline = System.nanoTime() + limit.toNanos();
        Histogram total = new Histogram(3);
        long tick = System.nanoTime();
        int second = 0;
        while (System.nanoTime() < deadline && !allBack()) {
            tick = Math.min(tick + TimeUnit.SECONDS.toNanos(1), deadline);
            waitFor(this::allBack, tick);
            total.add(handshakes.getIntervalHistogram());
            int dropped = (int) clients.stream().filter(c -> c.drops > 0).count();
            int back = (int) clients.stream().filter(Client::back).count();
            progress.printf(Locale.ROOT, "[%3ds] dropped %6d  registered again %6d of %d  in flight %4d  attempts %d%n",
                    ++second, dropped, back, clients.size(), options.connectConcurrency() - slots.availablePermits(),
                    attempts.get());
        }
        reconnecting = false;
        total.add(handshakes.getIntervalHistogram());
        int back = (int) clients.stream().filter(Client::back).count();
        double seconds = back == 0 || firstDropped.get() == 0 ? 0 : (lastRegistered.get() - firstDropped.get()) / 1e9;
        return report("reconnect", back, clients.size() - back, seconds, total);
    }

    /** {@link System#nanoTime} of the latest registration (first or again). */
    public long lastRegisteredNanos() {
        return lastRegistered.get();
    }

    private boolean allBack() {
        for (Client c : clients) {
            if (!c.back()) {
                return false;
            }
        }
        return true;
    }

    private StormReport report(String stage, int ok, int failed, double seconds, Histogram total) {
        Map<String, Long> counts = new HashMap<>();
        errors.forEach((code, count) -> counts.put(code, count.sum()));
        errors.clear();
        long made = attempts.getAndSet(0);
        boolean secure = options.url().getScheme().equalsIgnoreCase("wss");
        return new StormReport(stage, options.protocol(), secure, clients.size(), options.connectConcurrency(), ok,
                failed, made, seconds, total.getValueAtPercentile(50), total.getValueAtPercentile(90),
                total.getValueAtPercentile(99), total.getMaxValue(), counts);
    }

    private static void waitFor(java.util.function.BooleanSupplier done, long untilNanos) throws InterruptedException {
        while (!done.getAsBoolean()) {
            long left = untilNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
        }
    }

    private long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Starts the clients that are due, a bounded number at a time. */
    private void dispatch() {
        try {
            while (!closing) {
                Client next = due.take();
                slots.acquire();
                if (closing) {
                    slots.release();
                    return;
                }
                next.attempt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** PeerJS drops a socket that sends no heartbeat for a minute; this server pings instead. */
    private void beat() {
        String beat = options.protocol().heartbeat();
        if (beat == null) {
            return;
        }
        try {
            while (!closing) {
                TimeUnit.MILLISECONDS.sleep(HEARTBEAT_EVERY.toMillis());
                for (Client c : clients) {
                    c.send(beat);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes every connection, the client and its threads. */
    @Override
    public void close() throws Exception {
        closing = true;
        reconnecting = false;
        dispatcher.interrupt();
        heartbeat.interrupt();
        timer.shutdownNow();
        for (Client c : clients) {
            c.close();
        }
        client.stop();
    }

    /** One client: its id stays the same over every attempt. */
    private final class Client {
        private final String id;
        private volatile Attempt current;
        /** Times the server dropped this client after it had registered. */
        private volatile int drops;
        private volatile boolean registeredNow;

        Client(String id) {
            this.id = id;
        }

        /** Registered again since the server last dropped it. */
        boolean back() {
            return drops > 0 && registeredNow;
        }

        void attempt() {
            attempts.incrementAndGet();
            Attempt attempt = new Attempt(this);
            current = attempt;
            attempt.start();
        }

        void registered(Attempt attempt) {
            long now = System.nanoTime();
            handshakes.recordValue(Math.max(0, (now - attempt.started) / 1000));
            lastRegistered.accumulateAndGet(now, Math::max);
            registeredNow = true;
            registered.incrementAndGet();
            if (drops == 0) {
                finished.incrementAndGet();
            }
            slots.release();
        }

        void failed(String code) {
            slots.release();
            if (reconnecting && drops > 0 && !closing) {
                // Like a real client: try again shortly, with jitter so that retries spread out.
                long half = RETRY_DELAY.toMillis() / 2;
                long delay = half + ThreadLocalRandom.current().nextLong(2 * half + 1);
                try {
                    timer.schedule(() -> due.add(this), delay, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // Closing.
                }
                error(code);
                return;
            }
            error(code);
            if (drops == 0) {
                finished.incrementAndGet();
            }
        }

        void dropped() {
            registeredNow = false;
            registered.decrementAndGet();
            drops++;
            firstDropped.compareAndSet(0, System.nanoTime());
            if (reconnecting && !closing) {
                due.add(this);
            }
        }

        void send(String frame) {
            Attempt a = current;
            Session s = a == null ? null : a.session();
            if (s != null && s.isOpen() && registeredNow) {
                s.sendText(frame, Callback.NOOP);
            }
        }

        void close() {
            Attempt a = current;
            if (a != null) {
                a.close();
            }
        }
    }

    /** One connection attempt of a client: connect, register, wait for the answer. */
    /** Public: the WebSocket client reaches its listeners by reflection. */
    public final class Attempt extends LoadSocket {
        private static final int PENDING = 0;
        private static final int REGISTERED = 1;
        private static final int FAILED = 2;
        private static final int DROPPED = 3;

        private final Client owner;
        private final long started = System.nanoTime();
        private final AtomicInteger state = new AtomicInteger(PENDING);
        private volatile java.util.concurrent.ScheduledFuture<?> timeout;

        Attempt(Client owner) {
            this.owner = owner;
        }

        void start() {
            try {
                timeout = timer.schedule(() -> fail("timeout"), HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                fail("closing");
                return;
            }
            String token = Long.toString(System.nanoTime() & 0xffffffL, 36);
            try {
                client.connect(this, options.protocol().connectUri(options.url(), owner.id, token))
                        .whenComplete((s, failure) -> {
                            if (failure != null) {
                                fail("connect: " + LoadRun.describe(failure));
                            }
                        });
            } catch (Exception e) {
                fail("connect: " + LoadRun.describe(e));
            }
        }

        private void fail(String code) {
            if (state.compareAndSet(PENDING, FAILED)) {
                cancelTimeout();
                close();
                owner.failed(code);
            }
        }

        private void cancelTimeout() {
            java.util.concurrent.ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }

        @Override
        void opened(Session s) {
            if (state.get() != PENDING) {
                s.close(1000, "too late", Callback.NOOP);
                return;
            }
            register(options.protocol(), owner.id);
        }

        @Override
        public void onWebSocketText(String frame) {
            switch (Protocol.kind(frame)) {
                case READY -> {
                    if (state.compareAndSet(PENDING, REGISTERED)) {
                        cancelTimeout();
                        owner.registered(this);
                    }
                }
                case ERROR -> fail(Protocol.errorCode(frame));
                default -> {
                }
            }
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            if (state.get() == PENDING) {
                fail("closed " + code);
            } else if (state.compareAndSet(REGISTERED, DROPPED) && !closing) {
                owner.dropped();
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            if (state.get() == PENDING) {
                fail("connect: " + LoadRun.describe(cause));
            } else if (state.compareAndSet(REGISTERED, DROPPED) && !closing) {
                owner.dropped();
            }
        }

        void close() {
            close("storm over");
        }
    }
}
