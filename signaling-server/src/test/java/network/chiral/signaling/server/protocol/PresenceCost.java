package network.chiral.signaling.server.protocol;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.node.TestNode;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.peer.Transport;

/**
 * What one peer-list push round costs at 100, 1000 and 10000 registered sockets: bytes queued
 * and CPU time of the thread that runs it. Run by hand (docs/benchmarks.md), never by the build:
 * <pre>java -cp ... network.chiral.signaling.server.protocol.PresenceCost</pre>
 */
public final class PresenceCost {
    private PresenceCost() {
    }

    public static void main(String[] args) {
        SignalCodec codec = new SignalCodec();
        for (int peers : new int[] {100, 1_000, 10_000}) {
            for (String limit : new String[] {"100", "1000"}) {
                measure(codec, peers, limit);
            }
        }
    }

    private static void measure(SignalCodec codec, int peers, String limit) {
        AtomicLong bytes = new AtomicLong();
        TestNode node = TestNode.of(Map.of("SIGNALING_PEERS_PUSH_LIMIT", limit, "SIGNALING_SEND_QUEUE_BYTES", "1073741824"),
                System::nanoTime);
        node.startTimers();
        Transport counting = new Transport() {
            @Override
            public void sendText(String frame, Consumer<Throwable> done) {
                bytes.addAndGet(frame.length());
                done.accept(null);
            }

            @Override
            public void sendPing(Consumer<Throwable> done) {
                done.accept(null);
            }

            @Override
            public void close(int code, String reason) {
            }
        };
        for (int i = 0; i < peers; i++) {
            Peer peer = node.open(counting, "192.0.2.1");
            node.receive(peer, Inbound.of(codec, "{\"type\":\"register\",\"clientId\":\"peer-" + i + "-"
                    + java.util.UUID.randomUUID() + "\"}"));
        }
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long rounds = 0;
        long cpu = 0;
        long sent = 0;
        for (int round = 0; round < 12; round++) {
            // One membership change, then the round it causes.
            node.receive(node.open(counting, "192.0.2.2"), Inbound.of(codec,
                    "{\"type\":\"register\",\"clientId\":\"joiner-" + round + "\"}"));
            bytes.set(0);
            long before = threads.getCurrentThreadCpuTime();
            node.runTimers();
            long took = threads.getCurrentThreadCpuTime() - before;
            if (round >= 2) {
                rounds++;
                cpu += took;
                sent += bytes.get();
            }
        }
        System.out.printf("%6d peers, push limit %4s: %8.2f ms CPU and %9.1f KiB per membership change (%.1f us, %.0f bytes per socket)%n",
                peers, limit, cpu / 1e6 / rounds, sent / 1024.0 / rounds, cpu / 1e3 / rounds / peers, (double) sent / rounds / peers);
        node.close();
    }
}
