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
import network.chiral.signaling.server.node.Deployment;
import network.chiral.signaling.server.node.Node;

/**
 * The server inside a servlet container (Tomcat 10.1+, Jetty 12 ee10): declared in the WAR's
 * web.xml, it reads the settings, builds the {@link Node}, installs it through
 * {@link Deployment#install} exactly as the embedded launcher does, and starts it. Undeploying
 * the WAR stops the node ({@link Node#stop}: drain for {@code SIGNALING_DRAIN_SECONDS}, close
 * every socket with 1001, leave the cluster in cluster mode), as the launcher's SIGTERM does.
 *
 * <p>Settings use the same names as everywhere else and are looked up, first found wins, as an
 * environment variable, a Java system property, then a context init parameter. {@code PORT},
 * {@code SIGNALING_HOST}, {@code SIGNALING_LOG_LEVEL} and the TLS settings belong to the
 * container here and are ignored.
 */
public final class SignalingWebApp implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingWebApp.class);
    private static final String CONTAINER = ServerContainer.class.getName();

    private Node node;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Settings settings = Settings.load(source(context));
        Object container = context.getAttribute(CONTAINER);
        if (!(container instanceof ServerContainer server)) {
            throw new IllegalStateException("this container offers no Jakarta WebSocket server (attribute "
                    + CONTAINER + " is missing); enable its WebSocket support");
        }
        Node built = Node.of(settings);
        try {
            Deployment.install(context, server, built);
            built.start();
        } catch (DeploymentException e) {
            built.stop();
            throw new IllegalStateException("the container refused the signaling endpoint", e);
        } catch (RuntimeException e) {
            built.stop();
            throw e;
        }
        node = built;
        LOG.info("signaling-server {} deployed at {}/ ({})", Version.current(), context.getContextPath(),
                settings.describe());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (node == null) {
            return;
        }
        node.stop();
        node = null;
        LOG.info("signaling-server undeployed from {}/", event.getServletContext().getContextPath());
    }

    /** Environment, then system properties, then context init parameters. */
    static UnaryOperator<String> source(ServletContext context) {
        return name -> Optional.ofNullable(System.getenv(name))
                .or(() -> Optional.ofNullable(System.getProperty(name)))
                .orElseGet(() -> context.getInitParameter(name));
    }
}
