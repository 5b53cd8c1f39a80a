package network.chiral.signaling.server.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class OutboxTest {

    @Test
    void framesAreWrittenOneAtATimeInOrder() {
        RecordingTransport transport = new RecordingTransport();
        transport.completeAtOnce = false;
        Outbox outbox = new Outbox(transport, 1_000, () -> { });
        outbox.sendText("a");
        outbox.sendText("b");
        outbox.sendText("c");
        assertThat(transport.written).containsExactly("a");
        transport.completeOne();
        assertThat(transport.written).containsExactly("a", "b");
        transport.completeOne();
        transport.completeOne();
        assertThat(transport.written).containsExactly("a", "b", "c");
        assertThat(outbox.queuedBytes()).isZero();
    }

    @Test
    void writesThatCompleteInlineDoNotRecurseOnALongQueue() {
        RecordingTransport transport = new RecordingTransport();
        transport.completeAtOnce = false;
        Outbox outbox = new Outbox(transport, 10_000_000, () -> { });
        outbox.sendText("first");
        for (int i = 0; i < 100_000; i++) {
            outbox.sendText("x");
        }
        transport.completeAtOnce = true;
        transport.completeOne();
        assertThat(transport.written).hasSize(100_001);
    }

    @Test
    void aFullQueueRefusesTheFrameAndReportsOverflowOnce() {
        RecordingTransport transport = new RecordingTransport();
        transport.completeAtOnce = false;
        AtomicInteger overflows = new AtomicInteger();
        Outbox outbox = new Outbox(transport, 10, overflows::incrementAndGet);
        assertThat(outbox.sendText("12345")).isTrue();
        assertThat(outbox.sendText("12345")).isTrue();
        assertThat(outbox.sendText("1")).isFalse();
        assertThat(outbox.sendText("1")).isFalse();
        assertThat(overflows).hasValue(1);
        assertThat(outbox.queuedBytes()).isLessThanOrEqualTo(10);
    }

    @Test
    void pingsQueueBehindTextLikeAnyFrame() {
        RecordingTransport transport = new RecordingTransport();
        transport.completeAtOnce = false;
        Outbox outbox = new Outbox(transport, 1_000, () -> { });
        outbox.sendText("a");
        outbox.sendPing();
        assertThat(transport.pings).isZero();
        transport.completeOne();
        assertThat(transport.pings).isEqualTo(1);
    }

    @Test
    void concurrentSendersNeverOverlapWritesAndLoseNothing() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        List<String> written = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        ExecutorService completer = Executors.newSingleThreadExecutor();
        Transport transport = new Transport() {
            @Override
            public void sendText(String frame, java.util.function.Consumer<Throwable> done) {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                written.add(frame);
                completer.execute(() -> {
                    inFlight.decrementAndGet();
                    done.accept(null);
                });
            }

            @Override
            public void sendPing(java.util.function.Consumer<Throwable> done) {
                done.accept(null);
            }

            @Override
            public void close(int code, String reason) {
            }
        };
        Outbox outbox = new Outbox(transport, 100_000_000, () -> { });
        ExecutorService senders = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 8; t++) {
            int thread = t;
            senders.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                IntStream.range(0, 2_000).forEach(i -> outbox.sendText(thread + ":" + i));
            });
        }
        start.countDown();
        senders.shutdown();
        assertThat(senders.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (written.size() < 16_000 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        completer.shutdown();
        assertThat(written).hasSize(16_000).doesNotHaveDuplicates();
        assertThat(maxInFlight).hasValue(1);
        for (int t = 0; t < 8; t++) {
            String prefix = t + ":";
            List<Integer> order = written.stream().filter(w -> w.startsWith(prefix))
                    .map(w -> Integer.parseInt(w.substring(prefix.length()))).toList();
            assertThat(order).isSorted();
        }
    }

    @Test
    void aRelayHearsWhetherItWasWrittenAndOneStillQueuedAtItsDeadlineIsDroppedUnwritten() {
        RecordingTransport transport = new RecordingTransport();
        transport.completeAtOnce = false;
        Outbox outbox = new Outbox(transport, 1_000, () -> { });
        List<String> outcomes = new java.util.ArrayList<>();
        outbox.offerRelay("in time", Outbox.UNTIMED, Outbox.NO_DEADLINE, ok -> outcomes.add("in time " + ok));
        outbox.offerRelay("too late", Outbox.UNTIMED, System.currentTimeMillis() - 1, ok -> outcomes.add("too late " + ok));
        outbox.sendText("after");
        assertThat(transport.written).containsExactly("in time");

        transport.completeOne();

        assertThat(outcomes).containsExactly("in time true", "too late false");
        assertThat(transport.written).containsExactly("in time", "after");
    }

    @Test
    void relaysQueuedBehindAFailedWriteHearTheyWereLost() {
        RecordingTransport transport = new RecordingTransport();
        transport.completeAtOnce = false;
        Outbox outbox = new Outbox(transport, 1_000, () -> { });
        List<String> outcomes = new java.util.ArrayList<>();
        outbox.offerRelay("a", Outbox.UNTIMED, Outbox.NO_DEADLINE, ok -> outcomes.add("a " + ok));
        outbox.offerRelay("b", Outbox.UNTIMED, Outbox.NO_DEADLINE, ok -> outcomes.add("b " + ok));
        outbox.flush();
        transport.pending.remove(0).accept(new java.io.IOException("closed"));
        assertThat(outcomes).containsExactlyInAnyOrder("a false", "b false");
    }
}
