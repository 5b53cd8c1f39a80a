package network.chiral.signaling.server.routing;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether anyone registered or left since it was last asked, here or (in cluster mode) on
 * another node: what decides that registered sockets are sent a fresh peer list.
 */
public final class PeerChanges {
    private final AtomicBoolean changed = new AtomicBoolean();

    /** An id was registered or freed. */
    public void mark() {
        changed.set(true);
    }

    /** Whether anything changed since the last call; clears the mark. */
    public boolean take() {
        return changed.getAndSet(false);
    }
}
