package network.chiral.signaling.server.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A transport for unit tests of the domain: records what is written and lets the test decide
 * when each write completes, as a real socket would.
 */
final class RecordingTransport implements Transport {
    final List<String> written = new ArrayList<>();
    final List<Consumer<Throwable>> pending = new ArrayList<>();
    int pings;
    Integer closeCode;
    String closeReason;
    boolean completeAtOnce = true;

    @Override
    public synchronized void sendText(String frame, Consumer<Throwable> done) {
        written.add(frame);
        finish(done);
    }

    @Override
    public synchronized void sendPing(Consumer<Throwable> done) {
        pings++;
        finish(done);
    }

    private void finish(Consumer<Throwable> done) {
        if (completeAtOnce) {
            done.accept(null);
        } else {
            pending.add(done);
        }
    }

    /** Completes the oldest write still in flight. */
    void completeOne() {
        Consumer<Throwable> done;
        synchronized (this) {
            done = pending.remove(0);
        }
        done.accept(null);
    }

    @Override
    public synchronized void close(int code, String reason) {
        closeCode = code;
        closeReason = reason;
    }
}
