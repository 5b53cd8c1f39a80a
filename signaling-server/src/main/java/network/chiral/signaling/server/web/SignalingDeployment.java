package network.chiral.signaling.server.web;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.auth.Identity;
import network.chiral.signaling.server.auth.Verdict;
import network.chiral.signaling.server.metrics.MetricsServlet;
import network.chiral.signaling.server.metrics.SignalingMetrics;
import network.chiral.signaling.server.peer.Signaling;
import network.chiral.signaling.server.peer.SignalingEvents;

/**
 * Puts the signaling endpoint, {@code /health}, {@code /ready}, the drain gate in front of
 * upgrades and (with metrics) {@code /metrics} into a servlet context. The embedded
 * launcher and the WAR both call {@link #install}, so the server is wired the same way
 * whichever container runs it.
 */
public final class SignalingDeployment {
    private static final String CODEC = SignalCodec.class.getName();
    private static final String EVENTS = SignalingEvents.class.getName();
    /** How long sockets get to finish the closing handshake after their 1001. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** User property holding the socket's {@link Identity}; absent until it authenticates. */
    static final String IDENTITY = Identity.class.getName();

    private SignalingDeployment() {
    }

    /**
     * Registers the endpoint on {@code container}, and on {@code context} the health and
     * readiness servlets and the filter that answers upgrades with 503 while draining.
     *
     * @throws DeploymentException if the container rejects the endpoint
     */
    public static void install(ServletContext context, ServerContainer container, Signaling signaling)
            throws DeploymentException {
        int max = signaling.settings().maxMessageBytes();
        container.setDefaultMaxTextMessageBufferSize(max);
        container.setDefaultMaxBinaryMessageBufferSize(max);
        // Liveness is the server's own (it pings, and any frame counts): the container's idle
        // timer only backs it up for sockets that cannot even be written to.
        container.setDefaultMaxSessionIdleTimeout(signaling.settings().idleTimeout().multipliedBy(2).toMillis());
        container.addEndpoint(endpointConfig(signaling));
        context.addServlet("health", new HealthServlet(signaling)).addMapping("/health");
        context.addServlet("not-found", new NotFoundServlet()).addMapping("/");
        // Ahead of the container's own upgrade filter, so that the handshake sees the header.
        context.addFilter("peer-address", new PeerAddressFilter()).addMappingForUrlPatterns(null, false, "/*");
        context.addServlet("ready", new ReadyServlet(signaling.readiness())).addMapping("/ready");
        // Not "match after": the gate must see upgrades before the container's upgrade filter.
        context.addFilter("upgrade-gate", new UpgradeGate(signaling))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }

    /**
     * As {@link #install(ServletContext, ServerContainer, Signaling)}, and serves
     * {@code metrics} at {@code /metrics} to the addresses the settings allow. {@code signaling}
     * must have been built with {@code metrics} as its events.
     *
     * @throws DeploymentException if the container rejects the endpoint
     */
    public static void install(ServletContext context, ServerContainer container, Signaling signaling,
                               SignalingMetrics metrics) throws DeploymentException {
        install(context, container, signaling);
        context.addServlet("metrics", new MetricsServlet(metrics.registry(), signaling.settings().operations()))
                .addMapping("/metrics");
    }

    /**
     * Stops {@code signaling} gracefully: drains for the configured time (see
     * {@link Signaling#drain}) and closes it. The embedded server calls this on SIGTERM; a WAR
     * calls it when its context is destroyed.
     *
     * @return whether every socket closed in time
     */
    public static boolean undeploy(Signaling signaling) {
        boolean clean = signaling.drain(signaling.settings().operations().drainTime(), CLOSE_GRACE);
        signaling.close();
        return clean;
    }

    /**
     * The endpoint's configuration: path, decoders and encoders from its annotation, instances
     * bound to {@code signaling}.
     */
    static ServerEndpointConfig endpointConfig(Signaling signaling) {
        ServerEndpoint annotation = SignalingEndpoint.class.getAnnotation(ServerEndpoint.class);
        ServerEndpointConfig config = ServerEndpointConfig.Builder
                .create(SignalingEndpoint.class, annotation.value())
                .decoders(List.of(annotation.decoders()))
                .encoders(List.of(annotation.encoders()))
                .configurator(new EndpointFactory(signaling))
                .build();
        config.getUserProperties().put(CODEC, signaling.codec());
        config.getUserProperties().put(EVENTS, signaling.events());
        return config;
    }

    static SignalCodec codec(EndpointConfig config) {
        Object codec = config.getUserProperties().get(CODEC);
        if (codec instanceof SignalCodec shared) {
            return shared;
        }
        throw new IllegalStateException("endpoint configured without a codec; deploy through SignalingDeployment");
    }

    static SignalingEvents events(EndpointConfig config) {
        Object events = config.getUserProperties().get(EVENTS);
        return events instanceof SignalingEvents known ? known : SignalingEvents.NONE;
    }

    /** Makes each socket's endpoint with the server's {@link Signaling}. */
    private static final class EndpointFactory extends ServerEndpointConfig.Configurator {
        private final Signaling signaling;

        EndpointFactory(Signaling signaling) {
            this.signaling = signaling;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(new SignalingEndpoint(signaling));
        }

        /**
         * Accepts no extension, whatever the client offers. Browsers always offer
         * {@code permessage-deflate}, and Jetty and Tomcat accept it by default; compressing
         * every small signaling frame (once in, once out, with a compressor per socket) costs
         * the server more CPU than the whole relay does, to save bandwidth that a few kilobytes
         * of SDP do not need. See docs/protocol.md.
         */
        @Override
        public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
            return List.of();
        }

        /**
         * Records who the socket is. The credential was already checked by {@link UpgradeGate};
         * it is checked again here because the upgrade request cannot carry the result across
         * portably. The properties written here are this socket's own copy; so are the
         * handshake's address headers, kept for {@link ClientAddress}.
         */
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            ClientAddress.remember(request, config.getUserProperties());
            if (!signaling.authenticator().enabled()) {
                config.getUserProperties().put(IDENTITY, Identity.ANYONE);
                return;
            }
            config.getUserProperties().remove(IDENTITY);
            String credential = Credentials.from(request.getHeaders(), request.getParameterMap());
            if (credential != null && signaling.authenticator().verify(credential) instanceof Verdict.Accepted accepted) {
                config.getUserProperties().put(IDENTITY, Identity.of(accepted));
            }
        }
    }
}
