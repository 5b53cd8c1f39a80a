package network.chiral.signaling.server.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What this node owes the nodes whose relays it delivers: a receipt ({@link Envelope.Delivered})
 * naming each relay once its receiver's socket has taken it, and, with each answer to a probe,
 * the relays it accepted but has not written yet. A receipt Redis refused stays owed; one Redis
 * may have lost is sent again once it is back.
 */
final class Receipts {
    /** Relays remembered per sender between two of its probes; beyond that the oldest go unreported. */
    private static final int MAX_RECEIPTS = 100_000;
    /**
     * How far back receipts are sent again after a lost connection: longer than any sender waits
     * for one (the command timeout is at most 2 s, and a sender whose own link was down waits at
     * most two more).
     */
    private static final long RESEND_MILLIS = 6_000;
    /** How often at most one sender's stale relays are logged. */
    private static final long STALE_LOG_MILLIS = 60_000;

    /** What this node owes one sender's node. Guarded by itself. */
    static final class Ledger {
        /** Relays delivered and not yet named in a receipt that reached Redis. */
        private final List<Long> ids = new ArrayList<>();
        /**
         * Receipts sent lately, with when: Redis may have lost them (it restarted) before passing
         * them on, so they are sent again once it is back. Sending one twice does no harm.
         */
        private final ArrayDeque<long[]> recent = new ArrayDeque<>();
        /**
         * Receipts sent again after a lost connection, to go once more with the sender's next
         * probe: the first try may have reached Redis before the sender had subscribed again,
         * while a probe shows that it has.
         */
        private final List<Long> owed = new ArrayList<>();
        /** Relays accepted for their receivers' sockets and not yet written, in the order read. */
        private final Set<Long> unwritten = new LinkedHashSet<>();
        private long lastStaleLog = Long.MIN_VALUE;
    }

    private final Inbox.Node node;
    private final LongSupplier wallClock;
    private final Map<String, Ledger> ledgers = new ConcurrentHashMap<>();

    /** @param wallClock epoch milliseconds, as {@link System#currentTimeMillis()} */
    Receipts(Inbox.Node node, LongSupplier wallClock) {
        this.node = node;
        this.wallClock = wallClock;
    }

    /** Relay {@code id} of {@code origin} was accepted for its receiver's socket; returns its sender's ledger. */
    Ledger accepted(String origin, long id) {
        Ledger pending = ledgers.computeIfAbsent(origin, o -> new Ledger());
        synchronized (pending) {
            pending.unwritten.add(id);
        }
        return pending;
    }

    /** Relay {@code id}, accepted a moment ago, was refused by its receiver's socket after all. */
    static void refused(Ledger pending, long id) {
        synchronized (pending) {
            pending.unwritten.remove(id);
        }
    }

    /**
     * Relay {@code id}'s write ended: taken, and named in a receipt at once (the sooner the
     * sender knows, the smaller the moment in which this node can stop between writing it and
     * telling anyone); or lost, which the caller reports.
     */
    void written(String origin, Ledger pending, long id, boolean written) {
        synchronized (pending) {
            pending.unwritten.remove(id);
            if (written) {
                if (pending.ids.size() >= MAX_RECEIPTS) {
                    pending.ids.remove(0);
                }
                pending.ids.add(id);
            }
        }
        if (written) {
            send(origin, pending);
        }
    }

    /**
     * Before answering {@code origin}'s probe: sends what it is owed, receipts sent again after a
     * lost connection included. Returns the relays still unwritten, to name in the answer;
     * empty when there are too many to name.
     */
    Optional<List<Long>> beforeAnswer(String origin) {
        Ledger owing = ledgers.get(origin);
        if (owing != null) {
            synchronized (owing) {
                owing.ids.addAll(0, owing.owed);
                owing.owed.clear();
            }
        }
        send(origin);
        Ledger pending = ledgers.get(origin);
        if (pending == null) {
            return Optional.of(List.of());
        }
        synchronized (pending) {
            if (pending.unwritten.size() > Envelope.IDS_PER_RECEIPT) {
                return Optional.empty();
            }
            return Optional.of(List.copyOf(pending.unwritten));
        }
    }

    /** Whether relays from {@code origin} that arrive after their deadline are to be logged now. */
    boolean staleWarningDue(String origin) {
        Ledger pending = ledgers.computeIfAbsent(origin, o -> new Ledger());
        long now = wallClock.getAsLong();
        synchronized (pending) {
            if (now - pending.lastStaleLog < STALE_LOG_MILLIS) {
                return false;
            }
            pending.lastStaleLog = now;
            return true;
        }
    }

    /** {@code origin} has left the cluster: nothing is owed to it any more. */
    void forget(String origin) {
        ledgers.remove(origin);
    }

    /**
     * Tells every sender which of its relays this node delivered that no receipt has named yet:
     * the node is leaving, or back from losing Redis.
     */
    void sendAll() {
        ledgers.forEach(this::send);
    }

    /** Redis is back after this node lost its connection: sends what it refused meanwhile and again what it may have lost. */
    void resendAfterReconnect() {
        long since = wallClock.getAsLong() - RESEND_MILLIS;
        ledgers.values().forEach(pending -> {
            synchronized (pending) {
                List<Long> again = new ArrayList<>();
                for (long[] sent : pending.recent) {
                    if (sent[1] >= since) {
                        again.add(sent[0]);
                    }
                }
                pending.recent.clear();
                pending.ids.addAll(0, again);
                if (pending.owed.size() + again.size() <= MAX_RECEIPTS) {
                    pending.owed.addAll(again);
                }
            }
        });
        sendAll();
    }

    /** Sends {@code origin} a receipt for what is pending; what Redis refuses stays pending. */
    private void send(String origin) {
        Ledger pending = ledgers.get(origin);
        if (pending != null) {
            send(origin, pending);
        }
    }

    private void send(String origin, Ledger pending) {
        List<Long> ids;
        synchronized (pending) {
            ids = new ArrayList<>(pending.ids);
            pending.ids.clear();
        }
        if (!ids.isEmpty()) {
            long now = wallClock.getAsLong();
            synchronized (pending) {
                for (long id : ids) {
                    pending.recent.addLast(new long[] {id, now});
                }
                while (!pending.recent.isEmpty() && (pending.recent.peekFirst()[1] < now - RESEND_MILLIS
                        || pending.recent.size() > MAX_RECEIPTS)) {
                    pending.recent.pollFirst();
                }
            }
        }
        for (int i = 0; i < ids.size(); i += Envelope.IDS_PER_RECEIPT) {
            List<Long> batch = List.copyOf(ids.subList(i, Math.min(ids.size(), i + Envelope.IDS_PER_RECEIPT)));
            try {
                node.sendBack(origin, new Envelope.Delivered(node.id(), batch)).whenComplete((sent, failure) -> {
                    if (failure != null) {
                        unsent(pending, batch);
                    }
                });
            } catch (RuntimeException e) {
                // Not connected: kept for the next receipt, the next probe's answer or the leave.
                unsent(pending, batch);
            }
        }
    }

    private static void unsent(Ledger pending, List<Long> batch) {
        synchronized (pending) {
            pending.ids.addAll(0, batch);
        }
    }
}
