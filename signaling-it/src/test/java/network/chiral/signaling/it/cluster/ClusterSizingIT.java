package network.chiral.signaling.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import network.chiral.signaling.it.fixture.ClusterNodes;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;

/**
 * The figures docs/scaling.md sizes a cluster from: Redis memory and commands per peer and
 * per relay, and relay rates on one node and across nodes. It checks that every relay
 * arrived; the figures are printed ({@code sizing:} lines), never asserted. Larger runs:
 * {@code -Dsizing.peers=2000 -Dsizing.relays=200}.
 */
class ClusterSizingIT {
    private static final int PEERS = Integer.getInteger("sizing.peers", 60);
    private static final int RELAYS_PER_PEER = Integer.getInteger("sizing.relays", 20);

    @Test
    void measure() throws Exception {
        try (ClusterNodes cluster = ClusterNodes.start(2, Map.of("SIGNALING_IDLE_TIMEOUT_SECONDS", "120",
                "SIGNALING_SEND_QUEUE_BYTES", String.valueOf(16 << 20), "SIGNALING_CLUSTER_NODE_TTL_SECONDS", "10"));
             Stats redis = new Stats(cluster.redis().url())) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try {
                long memoryBefore = redis.info("used_memory");
                long commandsBefore = redis.info("total_commands_processed");
                List<PeerClient> peers = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                long started = System.nanoTime();
                for (int i = 0; i < PEERS; i++) {
                    PeerClient peer = PeerClient.connect(client, cluster.node(i % 2).uri());
                    String id = "sizing-" + i + "-" + "x".repeat(27);
                    peer.register(id);
                    peers.add(peer);
                    ids.add(id);
                }
                double registerMs = (System.nanoTime() - started) / 1e6 / PEERS;
                long memory = redis.info("used_memory") - memoryBefore;
                long registerCommands = redis.info("total_commands_processed") - commandsBefore;
                print("peers=%d, Redis memory per peer=%d bytes, Redis commands per register=%.1f, register=%.2f ms each (sequential)",
                        PEERS, memory / PEERS, (double) registerCommands / PEERS, registerMs);

                // Peer i sends to peer i+1, which is on the other node; then to i+2, on the same node.
                for (int hop : new int[] {1, 2}) {
                    long commands = redis.info("total_commands_processed");
                    double seconds = relay(peers, ids, hop);
                    long used = redis.info("total_commands_processed") - commands;
                    int relays = PEERS * RELAYS_PER_PEER;
                    print("%s: %d candidates in %.2f s = %.0f relays/s, Redis commands per relay=%.2f",
                            hop == 1 ? "cross-node" : "same-node", relays, seconds, relays / seconds, (double) used / relays);
                }
                peers.forEach(PeerClient::close);
            } finally {
                client.stop();
            }
        }
    }

    /** Every peer sends its candidates to the peer {@code hop} places on; waits until all arrived in order. */
    private static double relay(List<PeerClient> peers, List<String> ids, int hop) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(16);
        long started = System.nanoTime();
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < peers.size(); i++) {
                PeerClient sender = peers.get(i);
                String to = ids.get((i + hop) % peers.size());
                sends.add(senders.submit(() -> {
                    for (int seq = 0; seq < RELAYS_PER_PEER; seq++) {
                        sender.send(Frames.relay("candidate", to, "{\"candidate\":\"candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host\",\"seq\":" + seq + "}"));
                    }
                }));
            }
            for (Future<?> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }
            for (PeerClient receiver : peers) {
                for (int seq = 0; seq < RELAYS_PER_PEER; seq++) {
                    assertThat(receiver.next("candidate").getJsonObject("candidate").getInt("seq")).isEqualTo(seq);
                }
            }
        } finally {
            senders.shutdownNow();
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static void print(String format, Object... args) {
        org.slf4j.LoggerFactory.getLogger(ClusterSizingIT.class)
                .info("sizing: {}", String.format(java.util.Locale.ROOT, format, args));
    }

    /** Figures from Redis's INFO. */
    private static final class Stats implements AutoCloseable {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;

        Stats(String url) {
            client = RedisClient.create(url);
            connection = client.connect();
        }

        long info(String field) {
            for (String line : connection.sync().info().split("\r?\n")) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim());
                }
            }
            throw new AssertionError("no " + field + " in INFO");
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }
}
