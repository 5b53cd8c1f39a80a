package network.chiral.signaling.server.protocol;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;

import network.chiral.signaling.server.node.TestNode;

/**
 * Cases against one node built the production way on the test's nanosecond clock, with a
 * one-minute idle timeout, closed after each case. A case about other settings closes it and
 * {@link #create}s another.
 */
abstract class NodeOnTestClock {
    final AtomicLong now;
    TestNode signaling;

    /** @param startNanos where the clock starts */
    NodeOnTestClock(long startNanos) {
        this.now = new AtomicLong(startNanos);
        this.signaling = create(Map.of());
    }

    /** A node with these settings over the one-minute idle timeout, on this case's clock. */
    TestNode create(Map<String, String> values) {
        return TestNode.minuteIdle(values, now::get);
    }

    @AfterEach
    void close() {
        signaling.close();
    }
}
