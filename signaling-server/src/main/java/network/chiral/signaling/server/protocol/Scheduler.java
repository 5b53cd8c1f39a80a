package network.chiral.signaling.server.protocol;

import java.time.Duration;

/** Runs a task later, off the caller's thread (the node's timer thread). */
@FunctionalInterface
public interface Scheduler {
    void after(Duration delay, Runnable task);
}
