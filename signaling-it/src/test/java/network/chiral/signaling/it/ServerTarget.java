package network.chiral.signaling.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;

import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A running signaling server that the protocol suite can be pointed at. */
interface ServerTarget extends AutoCloseable {

    /**
     * Settings every target runs the shared suite with: small limits and a short idle timeout,
     * so that the limit and liveness cases finish in seconds. The per-socket message rate,
     * on by default, is off: the slow-reader case floods a stuck peer with hundreds of offers
     * at full speed to fill its send queue, and measures that queue, not the rate limit
     * (RateLimitIT and DefaultLimitsIT test the limit; the registration limit stays at its
     * default here).
     */
    Map<String, String> SUITE_SETTINGS = Map.of(
            "SIGNALING_HOST", "127.0.0.1",
            "SIGNALING_PEERS_LIST_LIMIT", "5",
            "SIGNALING_MAX_MESSAGE_BYTES", "65536",
            "SIGNALING_IDLE_TIMEOUT_SECONDS", "10",
            "SIGNALING_SEND_QUEUE_BYTES", "65536",
            "SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND", "0");

    /** The WebSocket URI of the signaling endpoint (ends with a slash). */
    URI webSocketUri();

    /**
     * Where the suite connects its next client. A single server is always the same place; a
     * cluster spreads clients over its nodes, so that the cases run across nodes.
     */
    default URI nextWebSocketUri() {
        return webSocketUri();
    }

    /**
     * How many proxies stand between the clients and the server. Each adds a TCP connection
     * whose buffers hold frames for a client that stops reading, besides what the server's
     * send queue holds (see the slow-reader case of {@link ProtocolSuite}).
     */
    default int proxies() {
        return 0;
    }

    /** The HTTP URI of the same context, for /health and friends (ends with a slash). */
    default URI httpUri() {
        URI ws = webSocketUri();
        return URI.create(ws.toString().replaceFirst("^ws", "http"));
    }

    /** A WebSocket client (not started) that can reach this target: one trusting its CA for wss://. */
    default WebSocketClient webSocketClient() {
        return new WebSocketClient();
    }

    /** An HTTP client that can reach {@link #httpUri()}. */
    default HttpClient httpClient() {
        return HttpClient.newBuilder().connectTimeout(PeerClient.WAIT).build();
    }
}
