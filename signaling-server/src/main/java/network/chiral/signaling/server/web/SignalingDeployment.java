package network.chiral.signaling.server.web;

import java.util.List;

import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.peer.Signaling;

/**
 * Puts the signaling endpoint and {@code /health} into a servlet context. The embedded
 * launcher and the WAR both call {@link #install}, so the server is wired the same way
 * whichever container runs it.
 */
public final class SignalingDeployment {
    private static final String CODEC = SignalCodec.class.getName();

    private SignalingDeployment() {
    }

    /**
     * Registers the endpoint on {@code container} and the health servlet on {@code context}.
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
        return config;
    }

    static SignalCodec codec(EndpointConfig config) {
        Object codec = config.getUserProperties().get(CODEC);
        if (codec instanceof SignalCodec shared) {
            return shared;
        }
        throw new IllegalStateException("endpoint configured without a codec; deploy through SignalingDeployment");
    }

    /** Makes each socket's endpoint with the server's {@link Signaling}. */
    private static final class EndpointFactory extends ServerEndpointConfig.Configurator {
        private final Signaling signaling;

        EndpointFactory(Signaling signaling) {
            this.signaling = signaling;
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            ClientAddress.remember(request, config.getUserProperties());
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(new SignalingEndpoint(signaling));
        }
    }
}
