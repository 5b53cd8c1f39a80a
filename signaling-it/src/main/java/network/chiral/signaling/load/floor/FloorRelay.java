package network.chiral.signaling.load.floor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import network.chiral.signaling.load.Frames;

/**
 * A benchmark baseline, not a product: the least a Jetty 12 relay of this protocol can do. It
 * finds {@code clientId} and {@code to} by scanning the frame's text and forwards the frame
 * unchanged: no JSON binding, no validation, no stamping of {@code from}, no limits, no
 * liveness. What the real server spends above this floor is the price of its JSON-B binding,
 * checks and queues.
 *
 * <p>{@code java -jar signaling-load.jar floor [--host 127.0.0.1] [--port 9000] [--accept-queue 4096]
 * [--keystore relay.p12 --keystore-password PW]}. Its listen backlog is the server's default, so that a
 * connection storm compares the two on equal terms.
 */
public final class FloorRelay implements AutoCloseable {
    private final Server jetty;
    private final ServerConnector connector;
    private final Map<String, Session> peers = new ConcurrentHashMap<>();

    /** The listen backlog, as the server's {@code SIGNALING_ACCEPT_QUEUE} default. */
    public static final int ACCEPT_QUEUE = 4096;

    private FloorRelay(String host, int port, int acceptQueue, SslContextFactory.Server tls) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("floor");
        jetty = new Server(threads);
        connector = tls == null ? new ServerConnector(jetty) : new ServerConnector(jetty, tls, new HttpConnectionFactory());
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(acceptQueue);
        jetty.addConnector(connector);
        jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxTextMessageSize(65536);
            container.setIdleTimeout(java.time.Duration.ofMinutes(10));
            container.addMapping("/", (request, response, callback) -> new Socket());
        }));
    }

    /** Starts a floor relay on {@code host:port} (port 0 picks one). */
    public static FloorRelay start(String host, int port) throws Exception {
        return start(host, port, null);
    }

    /** Starts a floor relay that speaks {@code wss://} with {@code tls}, or plain {@code ws://} if null. */
    public static FloorRelay start(String host, int port, SslContextFactory.Server tls) throws Exception {
        return start(host, port, ACCEPT_QUEUE, tls);
    }

    /** Starts a floor relay with this listen backlog. */
    public static FloorRelay start(String host, int port, int acceptQueue, SslContextFactory.Server tls)
            throws Exception {
        FloorRelay relay = new FloorRelay(host, port, acceptQueue, tls);
        relay.jetty.start();
        return relay;
    }

    /** The port bound. */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 9000;
        int acceptQueue = ACCEPT_QUEUE;
        String keyStore = null;
        String password = "";
        if (args.length % 2 != 0) {
            usage();
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--accept-queue" -> acceptQueue = Integer.parseInt(args[i + 1]);
                case "--keystore" -> keyStore = args[i + 1];
                case "--keystore-password" -> password = args[i + 1];
                default -> usage();
            }
        }
        SslContextFactory.Server tls = null;
        if (keyStore != null) {
            tls = new SslContextFactory.Server();
            tls.setKeyStorePath(keyStore);
            tls.setKeyStorePassword(password);
            tls.setKeyStoreType("PKCS12");
        }
        FloorRelay relay = start(host, port, acceptQueue, tls);
        System.out.println("floor relay listening on " + host + ":" + relay.port());
        relay.jetty.join();
    }

    private static void usage() {
        System.err.println("usage: floor [--host H] [--port P] [--accept-queue N] [--keystore FILE.p12 --keystore-password PW]");
        System.exit(2);
    }

    /** One socket: registers by scanning for {@code clientId}, forwards by scanning for {@code to}. */
    public final class Socket implements Session.Listener.AutoDemanding {
        private volatile Session session;
        private volatile String id;

        @Override
        public void onWebSocketOpen(Session opened) {
            session = opened;
        }

        @Override
        public void onWebSocketText(String frame) {
            if (frame.contains("\"type\":\"register\"")) {
                String clientId = Frames.stringValue(frame, "clientId");
                if (clientId != null) {
                    id = clientId;
                    peers.put(clientId, session);
                    session.sendText("{\"type\":\"peers\",\"peers\":[\"" + clientId + "\"],\"total\":" + peers.size()
                            + "}", Callback.NOOP);
                }
                return;
            }
            String to = Frames.stringValue(frame, "to");
            Session receiver = to == null ? null : peers.get(to);
            if (receiver != null) {
                receiver.sendText(frame, Callback.NOOP);
            } else if (to != null) {
                session.sendText("{\"type\":\"error\",\"code\":\"peer-not-found\",\"message\":\"not found\"}",
                        Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            String mine = id;
            if (mine != null) {
                peers.remove(mine, session);
            }
        }
    }
}
