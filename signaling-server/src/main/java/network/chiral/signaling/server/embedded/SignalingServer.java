package network.chiral.signaling.server.embedded;

import java.net.URI;
import java.time.Duration;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.cluster.RedisPeerDirectory;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.peer.LocalPeerDirectory;
import network.chiral.signaling.server.peer.PeerDirectory;
import network.chiral.signaling.server.peer.Signaling;
import network.chiral.signaling.server.web.SignalingDeployment;

/**
 * The signaling server in embedded Jetty 12: the one factory used by {@link Main} and by the
 * tests. {@link #start} binds and returns a running server; {@link #close} stops it
 * gracefully, closing every socket with 1001 first.
 */
public final class SignalingServer implements AutoCloseable {
    /** How long {@link #close} waits for clients to finish the closing handshake. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final Server jetty;
    private final ServerConnector connector;
    private final Signaling signaling;
    private final PeerDirectory directory;

    private SignalingServer(Server jetty, ServerConnector connector, Signaling signaling, PeerDirectory directory) {
        this.jetty = jetty;
        this.connector = connector;
        this.signaling = signaling;
        this.directory = directory;
    }

    /**
     * Builds and starts a server with these settings.
     *
     * @throws Exception if Jetty cannot start (for example: the port is in use)
     */
    public static SignalingServer start(Settings settings) throws Exception {
        SignalCodec codec = new SignalCodec();
        PeerDirectory directory = settings.cluster()
                .<PeerDirectory>map(cluster -> RedisPeerDirectory.start(cluster, codec))
                .orElseGet(LocalPeerDirectory::new);
        Signaling signaling = new Signaling(settings, codec, directory);

        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("signaling");
        Server jetty = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        jetty.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> SignalingDeployment.install(servletContext, container, signaling));
        jetty.setHandler(context);
        jetty.setStopTimeout(CLOSE_GRACE.toMillis());

        try {
            jetty.start();
        } catch (Exception e) {
            signaling.close();
            jetty.stop();
            closeDirectory(directory);
            throw e;
        }
        return new SignalingServer(jetty, connector, signaling, directory);
    }

    /** The port actually bound (useful when the settings asked for 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The WebSocket URI clients use, through loopback. */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port() + "/");
    }

    /** The protocol core, for figures such as connection counts. */
    public Signaling signaling() {
        return signaling;
    }

    /** Blocks until the server has stopped. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Closes every socket with 1001, waits briefly for the handshakes, then stops Jetty. */
    @Override
    public void close() throws Exception {
        signaling.shutdown();
        signaling.awaitDisconnected(CLOSE_GRACE);
        signaling.close();
        jetty.stop();
        closeDirectory(directory);
    }

    /** The peer directory, for its cluster state ({@link PeerDirectory#available()}). */
    public PeerDirectory directory() {
        return directory;
    }

    private static void closeDirectory(PeerDirectory directory) throws Exception {
        if (directory instanceof AutoCloseable resources) {
            resources.close();
        }
    }
}
