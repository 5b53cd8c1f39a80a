package network.chiral.signaling.server.peer;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets open on this server: kept alive while they talk (the quiet ones are pinged,
 * the silent ones closed with 1001), and drained when the server stops.
 */
public final class Connections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

    private final Set<Peer> open = ConcurrentHashMap.newKeySet();
    private final LongSupplier clock;
    private final long idleNanos;
    private final long pingAfterNanos;
    private final Runnable alsoEverySweep;
    private final long sweepMillis;
    private final ScheduledExecutorService liveness;
    private final Object drained = new Object();
    private volatile boolean accepting = true;
    private volatile boolean drainCut;

    /**
     * @param idleTimeout    how long a socket may stay silent
     * @param clock          nanoseconds, as {@link System#nanoTime()}
     * @param alsoEverySweep other periodic upkeep, run with each sweep
     */
    public Connections(Duration idleTimeout, LongSupplier clock, Runnable alsoEverySweep) {
        this.clock = clock;
        this.idleNanos = idleTimeout.toNanos();
        this.pingAfterNanos = sweepInterval(idleTimeout).toNanos();
        this.alsoEverySweep = alsoEverySweep;
        this.liveness = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "signaling-liveness");
            thread.setDaemon(true);
            return thread;
        });
        this.sweepMillis = sweepInterval(idleTimeout).toMillis();
    }

    /** Starts the liveness sweep. */
    public void start() {
        liveness.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} after {@code delay} on the liveness thread, which must not be blocked long. */
    public void after(Duration delay, Runnable task) {
        liveness.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How often silent sockets are pinged and idle ones closed: a quarter of the timeout. */
    static Duration sweepInterval(Duration idleTimeout) {
        return idleTimeout.dividedBy(4);
    }

    public void add(Peer peer) {
        open.add(peer);
    }

    public void remove(Peer peer) {
        open.remove(peer);
        if (!accepting) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** Runs {@code action} for every open socket. */
    public void forEach(java.util.function.Consumer<Peer> action) {
        open.forEach(action);
    }

    public int size() {
        return open.size();
    }

    public boolean accepting() {
        return accepting;
    }

    /** Pings sockets that have been quiet for a while and closes those silent too long. */
    public void sweep() {
        alsoEverySweep.run();
        long now = clock.getAsLong();
        for (Peer peer : open) {
            long silent = now - peer.lastHeardNanos();
            if (silent >= idleNanos) {
                LOG.atInfo().addKeyValue("clientId", peer.id()).addKeyValue("remote", peer.remoteAddress())
                        .log("closing an idle socket");
                peer.close(CloseCodes.GOING_AWAY, "idle timeout");
            } else if (silent >= pingAfterNanos) {
                peer.ping();
            }
        }
    }

    /**
     * Stops taking new sockets and closes every open one with 1001 once what is queued for it
     * is written: a relay accepted for a socket reaches it before its close.
     */
    public void shutdown() {
        accepting = false;
        for (Peer peer : open) {
            peer.closeAfterQueued(CloseCodes.GOING_AWAY, "server shutting down");
        }
    }

    /**
     * Drains the sockets, for a stop. At once no new socket is welcome; open sockets may go on
     * for up to {@code drainTime} (so that offers under way can finish while the load balancer
     * notices), then every one still open is closed with 1001 "server shutting down". Returns
     * when all have closed, or {@code closeGrace} after the 1001s went out; {@link #cutDrain}
     * ends the first wait early.
     *
     * @return whether every socket closed in time
     */
    public boolean drain(Duration drainTime, Duration closeGrace) {
        accepting = false;
        int before = open.size();
        LOG.atInfo().addKeyValue("connections", before).addKeyValue("drainSeconds", drainTime.toSeconds())
                .log("draining: not ready, refusing new sockets");
        long deadline = System.nanoTime() + drainTime.toNanos();
        synchronized (drained) {
            while (!open.isEmpty() && !drainCut) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        int remaining = open.size();
        shutdown();
        boolean clean = awaitDisconnected(closeGrace);
        LOG.atInfo().addKeyValue("leftOnTheirOwn", Math.max(0, before - remaining))
                .addKeyValue("closedWith1001", remaining).addKeyValue("clean", clean)
                .log("drained");
        return clean;
    }

    /** Ends a {@link #drain}'s wait now: the remaining sockets get their 1001 at once. */
    public void cutDrain() {
        drainCut = true;
        synchronized (drained) {
            drained.notifyAll();
        }
    }

    /** Waits until every socket has closed or {@code timeout} has passed; whether they all did. */
    public boolean awaitDisconnected(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (!open.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Closes every socket still open at once (one that does not read may never take its queue). */
    @Override
    public void close() {
        accepting = false;
        for (Peer peer : open) {
            peer.close(CloseCodes.GOING_AWAY, "server shutting down");
        }
        liveness.shutdownNow();
    }
}
