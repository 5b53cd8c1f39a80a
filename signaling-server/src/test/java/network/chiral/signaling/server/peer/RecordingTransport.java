package network.chiral.signaling.server.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A transport for unit tests of the domain: records what is written and lets the test decide
 * when each write completes, as a real socket would.
 */
public final class RecordingTransport implements Transport {
    public final List<String> written = new ArrayList<>();
    public final List<Consumer<Throwable>> pending = new ArrayList<>();
    public int pings;
    public Integer closeCode;
    public String closeReason;
    public boolean completeAtOnce = true;

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
    public void completeOne() {
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
