package network.chiral.signaling.server.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The ids a {@code peers} list gives one socket: its own first, so that a cap never hides it,
 * then the directory's listing without it, up to the list limit in all. For the reply to a
 * {@code register}, and for a pushed list whose shared encoding names the socket's own id.
 *
 * <p>The caller's id is looked up, not searched for. Searching compared it with every listed id,
 * each a string elsewhere in the heap: in a reconnect storm, a thousand cache misses for every
 * newcomer, and a twentieth of the storm's CPU. The one-node directory hands out the same
 * listing object while its ids are unchanged (a storm's newcomers beyond the cap leave it so),
 * so the listing seen a second time gets a set of its ids, kept while it stays the one handed
 * out. A directory that hands out a new list every time (Redis) is searched as before.
 *
 * <p>Thread-safe: replies are made on many threads; at worst two of them build the same set.
 */
final class ReplyIds {
    private final int limit;
    private volatile Seen last = new Seen(List.of(), null);

    /** @param limit most ids in a reply, the caller's included (at least 1) */
    ReplyIds(int limit) {
        this.limit = limit;
    }

    /** The reply's ids for {@code caller}, given the directory's {@code listed} ids. */
    List<String> forCaller(String caller, List<String> listed) {
        List<String> ids = new ArrayList<>(Math.min(limit, listed.size() + 1));
        ids.add(caller);
        Seen seen = last;
        if (seen.listed() != listed) {
            last = new Seen(listed, null);
        } else {
            if (seen.ids() == null) {
                seen = new Seen(listed, Set.copyOf(listed));
                last = seen;
            }
            if (!seen.ids().contains(caller)) {
                ids.addAll(listed.subList(0, Math.min(limit - 1, listed.size())));
                return ids;
            }
        }
        for (String id : listed) {
            if (ids.size() >= limit) {
                break;
            }
            if (!id.equals(caller)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** A listing as the directory handed it out, and its ids as a set once it came again. */
    private record Seen(List<String> listed, Set<String> ids) {
    }
}
