package network.chiral.signaling.server.node;

import java.util.EnumSet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.endpoint.Endpoints;
import network.chiral.signaling.server.endpoint.PeerAddressFilter;
import network.chiral.signaling.server.http.HealthServlet;
import network.chiral.signaling.server.http.NotFoundServlet;
import network.chiral.signaling.server.http.ReadyServlet;
import network.chiral.signaling.server.http.UpgradeCheckServlet;
import network.chiral.signaling.server.http.UpgradeGate;
import network.chiral.signaling.server.http.WebFileServlet;
import network.chiral.signaling.server.metrics.MetricsServlet;

/**
 * Puts a {@link Node} into a servlet context: the signaling endpoint, {@code /health},
 * {@code /ready}, {@code /metrics}, the gate in front of upgrades, and what browsers get (the
 * self-test page at the root URL, {@code /client.js}). The embedded launcher and
 * the WAR both call {@link #install}, so the server is wired the same way whichever container
 * runs it.
 */
public final class Deployment {

    private Deployment() {
    }

    /**
     * Registers the endpoint on {@code container}, and on {@code context} the servlets and the
     * filters that answer refused upgrades with an HTTP status.
     *
     * @return the endpoint's configuration, as registered
     * @throws DeploymentException if the container rejects the endpoint
     */
    public static ServerEndpointConfig install(ServletContext context, ServerContainer container, Node node)
            throws DeploymentException {
        Settings settings = node.settings();
        int max = settings.maxMessageBytes();
        container.setDefaultMaxTextMessageBufferSize(max);
        container.setDefaultMaxBinaryMessageBufferSize(max);
        // Liveness is the server's own (it pings, and any frame counts): the container's idle
        // timer only backs it up for sockets that cannot even be written to.
        container.setDefaultMaxSessionIdleTimeout(settings.idleTimeout().multipliedBy(2).toMillis());
        ServerEndpointConfig endpoint = Endpoints.config(new Endpoints.Wiring(node.protocol(), node.door(), node.codec(),
                node.events(), max, settings.trustedProxies()));
        container.addEndpoint(endpoint);
        context.addServlet("health", new HealthServlet(node::connections, node::registered)).addMapping("/health");
        context.addServlet("not-found", new NotFoundServlet()).addMapping("/");
        // The root URL is both the endpoint and the page: upgrades are taken by the container's
        // upgrade filter before any servlet, so a plain GET of "" alone reaches this one.
        context.addServlet("web-files", WebFileServlet.create(settings.operations().selfTestPage()))
                .addMapping(WebFileServlet.MAPPINGS.toArray(String[]::new));
        if (settings.operations().selfTestPage()) {
            context.addServlet("upgrade-check", new UpgradeCheckServlet(node.door(), settings.trustedProxies()))
                    .addMapping(UpgradeCheckServlet.PATH);
        }
        // Ahead of the container's own upgrade filter, so that the handshake sees the header.
        context.addFilter("peer-address", new PeerAddressFilter()).addMappingForUrlPatterns(null, false, "/*");
        context.addServlet("ready", new ReadyServlet(node.readiness())).addMapping("/ready");
        // Not "match after": the gate must see upgrades before the container's upgrade filter.
        context.addFilter("upgrade-gate", new UpgradeGate(node.door(), settings.trustedProxies()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        context.addServlet("metrics", new MetricsServlet(node.metrics().registry(), settings.operations()))
                .addMapping("/metrics");
        return endpoint;
    }
}
