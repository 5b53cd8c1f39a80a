package network.chiral.signaling.server.embedded;

import java.net.URI;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
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
import network.chiral.signaling.server.metrics.SignalingMetrics;
import network.chiral.signaling.server.peer.PeerDirectory;
import network.chiral.signaling.server.peer.Signaling;
import network.chiral.signaling.server.tls.SecureConnector;
import network.chiral.signaling.server.web.SignalingDeployment;
import network.chiral.signaling.server.web.SignalingNode;

/**
 * The signaling server in embedded Jetty 12: the one factory used by {@link Main} and by the
 * tests. {@link #start} binds and returns a running server; {@link #close} stops it
 * gracefully: it drains (see {@link Signaling#drain}), closing every socket with 1001.
 */
public final class SignalingServer implements AutoCloseable {

    private final Server jetty;
    private final ServerConnector connector;
    private final SignalingNode node;
    private final Signaling signaling;
    private final boolean secure;

    private SignalingServer(Server jetty, ServerConnector connector, SignalingNode node, boolean secure) {
        this.secure = secure;
        this.jetty = jetty;
        this.connector = connector;
        this.node = node;
        this.signaling = node.signaling();
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
                ? SecureConnector.create(jetty, http, files)
                : new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        ConnectionStatistics connections = new ConnectionStatistics();
        connector.addBean(connections);
        jetty.addConnector(connector);

        SignalingNode node = SignalingNode.start(settings);
        Signaling signaling = node.signaling();
        SignalingMetrics metrics = node.metrics();
        JettyMetrics.register(metrics.registry(), threads, connections);

        ServletContextHandler context = new ServletContextHandler("/");
        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> SignalingDeployment.install(servletContext, container, signaling, metrics));
        jetty.setHandler(context);
        jetty.setStopTimeout(SignalingDeployment.CLOSE_GRACE.toMillis());

        try {
            jetty.start();
        } catch (Exception e) {
            signaling.close();
            jetty.stop();
            node.close();
            throw e;
        }
        return new SignalingServer(jetty, connector, node, secure);
    }

    /** The port actually bound (useful when the settings asked for 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The WebSocket URI clients use, through loopback ({@code wss://} with TLS). */
    public URI uri() {
        return URI.create((secure ? "wss" : "ws") + "://127.0.0.1:" + port() + "/");
    }

    /** The protocol core, for figures such as connection counts. */
    public Signaling signaling() {
        return signaling;
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
     * {@code SIGNALING_DRAIN_SECONDS}), then stops Jetty.
     */
    @Override
    public void close() throws Exception {
        SignalingDeployment.undeploy(signaling);
        jetty.stop();
        node.close();
    }

    /** The peer directory, for its cluster state ({@link PeerDirectory#available()}). */
    public PeerDirectory directory() {
        return node.directory();
    }

    /** Ends a drain under way early: the remaining sockets get their 1001 now. */
    public void cutDrain() {
        signaling.cutDrain();
    }
}
