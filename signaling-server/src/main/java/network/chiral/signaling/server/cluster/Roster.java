package network.chiral.signaling.server.cluster;

import java.util.List;
import java.util.Set;

/**
 * The cluster's shared record of nodes and the ids they hold, as {@link Membership} sees it:
 * what a heartbeat, an announce and a leave read and write. Redis keeps it
 * ({@link RedisRoster}); the membership's unit tests keep it in memory.
 */
interface Roster {

    /** Connects if need be; whether the record can be reached now. */
    boolean connect();

    /**
     * Renews this node's heartbeat and removes every node whose heartbeat has expired, with its
     * ids.
     */
    Beat beat(String node, String token, long ttlMillis);

    /**
     * What a heartbeat found.
     *
     * @param previousToken the token the node's heartbeat held before, or "" if it had expired
     *                      or was never written (a Redis restarted empty, say)
     * @param gone          nodes found dead and removed
     */
    record Beat(String previousToken, List<String> gone) {
    }

    /** The ids recorded for {@code node}. */
    Set<String> recorded(String node);

    /** Claims each id for {@code node} unless a live other node holds it; returns those refused. */
    List<String> claim(String node, List<String> ids);

    /** Frees each id {@code node} still holds. */
    void release(String node, List<String> ids);

    /** Removes {@code node} and its ids at once, if its heartbeat still holds {@code token}. */
    void leave(String node, String token);
}
