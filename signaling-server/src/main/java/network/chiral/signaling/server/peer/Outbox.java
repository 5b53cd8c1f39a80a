package network.chiral.signaling.server.peer;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The one outbound path of a socket: frames from any thread are queued and written one at a
 * time, in order. Containers differ here (Tomcat throws on a second concurrent send, Jetty
 * queues without bound), so the server never relies on either.
 *
 * <p>The queue is bounded in bytes. When a receiver stops reading and its backlog passes the
 * bound, the frame is refused and the socket closed: a slow peer costs the server at most
 * that much memory and never delays anyone else's frames.
 *
 * <p>A relayed frame carries the time its sender's frame arrived, so that the write's
 * completion can report the relay latency ({@link TrafficEvents#relayWritten}).
 */
public final class Outbox {
    /** Queued size charged for a ping frame. */
    private static final int PING_COST = 16;
    /** Marks a frame that is not a relay, so no latency is reported for it. */
    static final long UNTIMED = Long.MIN_VALUE;
    /** Marks a frame that may be written however late. */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Transport transport;
    private final long limitBytes;
    private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final Runnable onOverflow;
    private final TrafficEvents events;
    private final LongSupplier clock;

    /**
     * @param transport  the socket
     * @param limitBytes backlog at which the socket is dropped
     * @param onOverflow called once, when the backlog first passes the limit
     */
    public Outbox(Transport transport, long limitBytes, Runnable onOverflow) {
        this(transport, limitBytes, onOverflow, TrafficEvents.NONE, System::nanoTime);
    }

    /**
     * @param transport  the socket
     * @param limitBytes backlog at which the socket is dropped
     * @param onOverflow called once, when the backlog first passes the limit
     * @param events     told of bytes written and relay latencies
     * @param clock      the nanosecond clock relay receive times were taken with
     */
    public Outbox(Transport transport, long limitBytes, Runnable onOverflow, TrafficEvents events,
                  LongSupplier clock) {
        this.transport = transport;
        this.limitBytes = limitBytes;
        this.onOverflow = onOverflow;
        this.events = events;
        this.clock = clock;
    }

    /** Queues a text frame. Returns {@code false} if it was refused because the queue is full. */
    public boolean sendText(String frame) {
        boolean queued = offerText(frame);
        flush();
        return queued;
    }

    /**
     * Queues a relayed text frame whose sender's frame arrived at {@code receivedNanos} (on the
     * clock this outbox was given).
     */
    public boolean sendRelay(String frame, long receivedNanos) {
        boolean queued = offerRelay(frame, receivedNanos);
        flush();
        return queued;
    }

    /** Queues a ping frame behind whatever is already queued. */
    public boolean sendPing() {
        boolean queued = offer(new Item(null, PING_COST, UNTIMED, NO_DEADLINE, null, null));
        flush();
        return queued;
    }

    /**
     * Runs {@code action} (a close) once everything queued before it has been written, so that
     * an error reply reaches the client before its socket is closed.
     */
    public void thenRun(Runnable action) {
        if (offerAction(action)) {
            flush();
        }
    }

    /*
     * The offer methods queue without writing, so that a caller can decide under its own lock
     * what goes in and in which order (a register's reply before the relays it held, nothing
     * after a close), and write with flush() once it has let go of that lock.
     */

    boolean offerText(String frame) {
        return offer(new Item(frame, frame.length(), UNTIMED, NO_DEADLINE, null, null));
    }

    boolean offerRelay(String frame, long receivedNanos) {
        return offerRelay(frame, receivedNanos, NO_DEADLINE, null);
    }

    /**
     * Queues a relay; if it is accepted, {@code written} later hears whether the socket took it
     * ({@code true}) or not ({@code false}: the socket failed first, or the relay was still
     * queued at {@code deadlineMillis}, wall-clock time, and was dropped unwritten).
     */
    boolean offerRelay(String frame, long receivedNanos, long deadlineMillis, Consumer<Boolean> written) {
        return offer(new Item(frame, frame.length(), receivedNanos, deadlineMillis, null, written));
    }

    /** Queues {@code action}; runs it at once, returning {@code false}, if the socket is failing. */
    boolean offerAction(Runnable action) {
        if (overflowed.get()) {
            action.run();
            return false;
        }
        queue.add(new Item(null, 0, UNTIMED, NO_DEADLINE, action, null));
        return true;
    }

    /** Writes what is queued, unless a write is in flight (its completion goes on). */
    void flush() {
        pump();
    }

    /** Bytes queued and not yet written. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    private boolean offer(Item item) {
        if (overflowed.get()) {
            return false;
        }
        if (queuedBytes.addAndGet(item.size) > limitBytes) {
            queuedBytes.addAndGet(-item.size);
            if (overflowed.compareAndSet(false, true)) {
                dropQueued();
                onOverflow.run();
            }
            return false;
        }
        queue.add(item);
        return true;
    }

    /**
     * Writes queued items until the queue is empty or a write is still in flight. A write that
     * completes on the calling thread continues the loop here instead of recursing, so a long
     * queue cannot overflow the stack.
     */
    private void pump() {
        while (writing.compareAndSet(false, true)) {
            Item item = queue.poll();
            if (item == null) {
                writing.set(false);
                if (queue.isEmpty()) {
                    return;
                }
                continue;
            }
            Completion completion = new Completion(item);
            if (item.deadlineMillis != NO_DEADLINE && System.currentTimeMillis() > item.deadlineMillis) {
                // Its sender has been told it did not arrive: it must not arrive now.
                completion.expired();
            } else if (item.action != null) {
                item.action.run();
                completion.accept(null);
            } else if (item.frame == null) {
                transport.sendPing(completion);
            } else {
                transport.sendText(item.frame, completion);
            }
            if (completion.state.compareAndSet(Completion.PENDING, Completion.ASYNC)) {
                return;
            }
        }
    }

    /** Empties the queue of a failing socket; relays waiting to hear of their write hear they were lost. */
    private void dropQueued() {
        for (Item item = queue.poll(); item != null; item = queue.poll()) {
            if (item.written != null) {
                item.written.accept(false);
            }
        }
    }

    /**
     * A text frame, a ping (no frame, no action) or an action to run in turn; {@code written},
     * if any, hears how the frame's write ended.
     */
    private record Item(String frame, int size, long receivedNanos, long deadlineMillis, Runnable action,
                        Consumer<Boolean> written) {
    }

    /** Finishes one write, on whatever thread the container completes it. */
    private final class Completion implements Consumer<Throwable> {
        static final int PENDING = 0;
        static final int ASYNC = 1;
        static final int DONE = 2;

        final AtomicInteger state = new AtomicInteger(PENDING);
        private final Item item;

        Completion(Item item) {
            this.item = item;
        }

        /** The item's deadline passed while it was queued: not written, and not a failure of the socket. */
        void expired() {
            queuedBytes.addAndGet(-item.size);
            if (item.written != null) {
                item.written.accept(false);
            }
            writing.set(false);
            state.set(DONE);
        }

        @Override
        public void accept(Throwable failure) {
            queuedBytes.addAndGet(-item.size);
            if (failure == null && item.frame != null) {
                events.sentBytes(Utf8.length(item.frame));
                if (item.receivedNanos != UNTIMED) {
                    events.relayWritten(clock.getAsLong() - item.receivedNanos);
                }
            } else if (failure != null) {
                // The socket is failing; the container reports the close separately.
                overflowed.set(true);
                dropQueued();
            }
            if (item.written != null) {
                item.written.accept(failure == null);
            }
            writing.set(false);
            if (!state.compareAndSet(PENDING, DONE)) {
                pump();
            }
        }
    }
}
