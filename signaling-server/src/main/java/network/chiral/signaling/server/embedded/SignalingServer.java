package network.chiral.signaling.server.embedded;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.websocket.server.ServerEndpointConfig;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.JakartaWebSocketServerContainer;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import network.chiral.signaling.server.config.InvalidSettingException;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.config.Tls;
import network.chiral.signaling.server.node.Deployment;
import network.chiral.signaling.server.node.Node;
import network.chiral.signaling.server.routing.PeerDirectory;
import network.chiral.signaling.server.tls.SecureConnector;

/**
 * The signaling server in embedded Jetty 12: the one factory used by {@link Main} and by the
 * tests. {@link #start} binds and returns a running server; {@link #close} stops it
 * gracefully: the node drains (see {@link Node#drain}), closing every socket with 1001, then
 * Jetty stops.
 */
public final class SignalingServer implements AutoCloseable {

    private final Server jetty;
    private final ServerConnector connector;
    private final Node node;
    private final boolean secure;
    private final EndpointDiscovery discovery;

    private SignalingServer(Server jetty, ServerConnector connector, Node node, boolean secure,
            EndpointDiscovery discovery) {
        this.secure = secure;
        this.discovery = discovery;
        this.jetty = jetty;
        this.connector = connector;
        this.node = node;
    }

    /**
     * Builds and starts a server with these settings.
     *
     * @throws InvalidSettingException if the TLS files are missing, unreadable or unusable
     * @throws Exception if Jetty cannot start (for example: the port is in use)
     */
    public static SignalingServer start(Settings settings) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("signaling");
        Server jetty = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // First: a bad certificate file must fail before anything (Redis included) is running.
        boolean secure = settings.tls() instanceof Tls.Files;
        ServerConnector connector = settings.tls() instanceof Tls.Files files
                ? SecureConnector.create(jetty, http, files, settings.clientCertificates())
                : new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        // Jetty's default (0) leaves the JVM's 50, too few for every client reconnecting at once:
        // the kernel then drops SYNs and clients wait out their 1, 3 and 7 s retransmits.
        connector.setAcceptQueueSize(settings.acceptQueue());
        ConnectionStatistics connections = new ConnectionStatistics();
        connector.addBean(connections);
        jetty.addConnector(connector);

        Node node = Node.of(settings);
        JettyMetrics.register(node.metrics().registry(), threads, connections);
        NodeLifeCycle lifeCycle = new NodeLifeCycle(node);
        jetty.addBean(lifeCycle);
        jetty.addEventListener(lifeCycle);

        ServletContextHandler context = new ServletContextHandler("/");
        AtomicReference<EndpointDiscovery> discovery = new AtomicReference<>();
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            ServerEndpointConfig endpoint = Deployment.install(servletContext, container, node);
            discovery.set(EndpointDiscovery.install(context, JakartaWebSocketServerContainer.getContainer(servletContext),
                    endpoint));
        });
        jetty.setHandler(context);
        jetty.setStopTimeout(Node.CLOSE_GRACE.toMillis());

        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            node.stop();
            throw e;
        }
        return new SignalingServer(jetty, connector, node, secure, discovery.get());
    }

    /** The port actually bound (useful when the settings asked for 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The WebSocket URI clients use, through loopback ({@code wss://} with TLS). */
    public URI uri() {
        return URI.create((secure ? "wss" : "ws") + "://127.0.0.1:" + port() + "/");
    }

    /** The node this server runs, for figures such as connection counts and cluster state. */
    public Node node() {
        return node;
    }

    /** Blocks until the server has stopped. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** The HTTP URI of the server's root, through loopback ({@code /health}, {@code /metrics}...). */
    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    /**
     * Drains (not ready, new sockets refused, open ones closed with 1001 within
     * {@code SIGNALING_DRAIN_SECONDS}), then stops Jetty and the node.
     */
    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    /** The peer directory, for its cluster state ({@link PeerDirectory#available()}). */
    public PeerDirectory directory() {
        return node.directory();
    }

    /** The factory of the sockets' frame handlers, which discovered the endpoint once. */
    EndpointDiscovery discovery() {
        return discovery;
    }

    /** Ends a drain under way early: the remaining sockets get their 1001 now. */
    public void cutDrain() {
        node.cutDrain();
    }
}
