package network.chiral.signaling.server.war;

import java.util.Optional;
import java.util.function.UnaryOperator;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.Version;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.metrics.SignalingMetrics;
import network.chiral.signaling.server.peer.LocalPeerDirectory;
import network.chiral.signaling.server.peer.Signaling;
import network.chiral.signaling.server.web.SignalingDeployment;

/**
 * The server inside a servlet container (Tomcat 10.1+, Jetty 12 ee10): declared in the WAR's
 * web.xml, it reads the settings, builds {@link Signaling} and installs it through
 * {@link SignalingDeployment#install}, exactly as the embedded launcher does. Undeploying the
 * WAR drains ({@code SIGNALING_DRAIN_SECONDS}), closes every socket with 1001 and stops the
 * server, through {@link SignalingDeployment#undeploy} as the launcher's SIGTERM does.
 *
 * <p>Settings use the same names as everywhere else and are looked up, first found wins, as an
 * environment variable, a Java system property, then a context init parameter. {@code PORT},
 * {@code SIGNALING_HOST}, {@code SIGNALING_LOG_LEVEL} and the TLS settings belong to the
 * container here and are ignored.
 */
public final class SignalingWebApp implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingWebApp.class);
    private static final String CONTAINER = ServerContainer.class.getName();

    private Signaling signaling;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Settings settings = Settings.load(source(context));
        if (settings.cluster().isPresent()) {
            // Refused rather than ignored: a node that silently kept its peers to itself would
            // split the network.
            throw new IllegalStateException("cluster mode (SIGNALING_CLUSTER_REDIS_URL) is supported by the "
                    + "executable jar only, not by the WAR");
        }
        Object container = context.getAttribute(CONTAINER);
        if (!(container instanceof ServerContainer server)) {
            throw new IllegalStateException("this container offers no Jakarta WebSocket server (attribute "
                    + CONTAINER + " is missing); enable its WebSocket support");
        }
        SignalingMetrics metrics = new SignalingMetrics();
        Signaling started = new Signaling(settings, new SignalCodec(), new LocalPeerDirectory(), metrics);
        metrics.watch(started);
        try {
            SignalingDeployment.install(context, server, started, metrics);
        } catch (DeploymentException e) {
            started.close();
            throw new IllegalStateException("the container refused the signaling endpoint", e);
        }
        signaling = started;
        LOG.info("signaling-server {} deployed at {}/ ({})", Version.current(), context.getContextPath(),
                settings.describe());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (signaling == null) {
            return;
        }
        SignalingDeployment.undeploy(signaling);
        signaling = null;
        LOG.info("signaling-server undeployed from {}/", event.getServletContext().getContextPath());
    }

    /** Environment, then system properties, then context init parameters. */
    static UnaryOperator<String> source(ServletContext context) {
        return name -> Optional.ofNullable(System.getenv(name))
                .or(() -> Optional.ofNullable(System.getProperty(name)))
                .orElseGet(() -> context.getInitParameter(name));
    }
}
