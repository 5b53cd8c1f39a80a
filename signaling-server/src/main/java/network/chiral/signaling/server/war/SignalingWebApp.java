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

import network.chiral.signaling.server.Version;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.web.SignalingDeployment;
import network.chiral.signaling.server.web.SignalingNode;

/**
 * The server inside a servlet container (Tomcat 10.1+, Jetty 12 ee10): declared in the WAR's
 * web.xml, it reads the settings, builds the {@link SignalingNode} and installs it through
 * {@link SignalingDeployment#install}, exactly as the embedded launcher does. Undeploying the
 * WAR drains ({@code SIGNALING_DRAIN_SECONDS}), closes every socket with 1001 and stops the
 * server, through {@link SignalingDeployment#undeploy} as the launcher's SIGTERM does, then
 * leaves the cluster in cluster mode.
 *
 * <p>Settings use the same names as everywhere else and are looked up, first found wins, as an
 * environment variable, a Java system property, then a context init parameter. {@code PORT},
 * {@code SIGNALING_HOST}, {@code SIGNALING_LOG_LEVEL} and the TLS settings belong to the
 * container here and are ignored.
 */
public final class SignalingWebApp implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingWebApp.class);
    private static final String CONTAINER = ServerContainer.class.getName();

    private SignalingNode node;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Settings settings = Settings.load(source(context));
        Object container = context.getAttribute(CONTAINER);
        if (!(container instanceof ServerContainer server)) {
            throw new IllegalStateException("this container offers no Jakarta WebSocket server (attribute "
                    + CONTAINER + " is missing); enable its WebSocket support");
        }
        SignalingNode started = SignalingNode.start(settings);
        try {
            SignalingDeployment.install(context, server, started.signaling(), started.metrics());
        } catch (DeploymentException e) {
            abandon(started);
            throw new IllegalStateException("the container refused the signaling endpoint", e);
        } catch (RuntimeException e) {
            abandon(started);
            throw e;
        }
        node = started;
        LOG.info("signaling-server {} deployed at {}/ ({})", Version.current(), context.getContextPath(),
                settings.describe());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (node == null) {
            return;
        }
        SignalingDeployment.undeploy(node.signaling());
        closeQuietly(node);
        node = null;
        LOG.info("signaling-server undeployed from {}/", event.getServletContext().getContextPath());
    }

    /** A node that never went live: nothing to drain, but it may have joined the cluster. */
    private static void abandon(SignalingNode node) {
        node.signaling().close();
        closeQuietly(node);
    }

    /** Leaves the cluster, if any; a failure here must not stop the container's undeploy. */
    private static void closeQuietly(SignalingNode node) {
        try {
            node.close();
        } catch (Exception e) {
            LOG.warn("failed to release the peer directory", e);
        }
    }

    /** Environment, then system properties, then context init parameters. */
    static UnaryOperator<String> source(ServletContext context) {
        return name -> Optional.ofNullable(System.getenv(name))
                .or(() -> Optional.ofNullable(System.getProperty(name)))
                .orElseGet(() -> context.getInitParameter(name));
    }
}
