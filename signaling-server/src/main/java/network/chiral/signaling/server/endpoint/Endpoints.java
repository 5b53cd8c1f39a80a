package network.chiral.signaling.server.endpoint;

import java.security.cert.X509Certificate;
import java.util.List;

import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.auth.Identity;
import network.chiral.signaling.server.config.TrustedProxies;
import network.chiral.signaling.server.door.Door;
import network.chiral.signaling.server.door.Credentials;
import network.chiral.signaling.server.door.VerifiedCertificate;
import network.chiral.signaling.server.peer.TrafficEvents;
import network.chiral.signaling.server.protocol.Protocol;

/**
 * The configuration a container needs to run {@link SocketEndpoint}: its path, decoders and
 * encoders from the annotation, and instances bound to one node's protocol.
 */
public final class Endpoints {
    private static final String CODEC = SignalCodec.class.getName();
    private static final String EVENTS = TrafficEvents.class.getName();
    /** User property holding the socket's {@link Identity}; absent until it authenticates. */
    static final String IDENTITY = Identity.class.getName();

    private Endpoints() {
    }

    /**
     * What a socket's endpoint works with.
     *
     * @param maxMessageBytes the frame limit ({@code SIGNALING_MAX_MESSAGE_BYTES})
     * @param proxies         whose forwarded headers name the client
     */
    public record Wiring(Protocol protocol, Door door, SignalCodec codec, TrafficEvents events, int maxMessageBytes,
                         TrustedProxies proxies) {
    }

    /** The endpoint's configuration, each socket's instance bound to {@code wiring}. */
    public static ServerEndpointConfig config(Wiring wiring) {
        ServerEndpoint annotation = SocketEndpoint.class.getAnnotation(ServerEndpoint.class);
        ServerEndpointConfig config = ServerEndpointConfig.Builder
                .create(SocketEndpoint.class, annotation.value())
                .decoders(List.of(annotation.decoders()))
                .encoders(List.of(annotation.encoders()))
                .configurator(new Factory(wiring))
                .build();
        config.getUserProperties().put(CODEC, wiring.codec());
        config.getUserProperties().put(EVENTS, wiring.events());
        return config;
    }

    static SignalCodec codec(EndpointConfig config) {
        Object codec = config.getUserProperties().get(CODEC);
        if (codec instanceof SignalCodec shared) {
            return shared;
        }
        throw new IllegalStateException("endpoint configured without a codec; deploy through Endpoints.config");
    }

    static TrafficEvents events(EndpointConfig config) {
        Object events = config.getUserProperties().get(EVENTS);
        return events instanceof TrafficEvents known ? known : TrafficEvents.NONE;
    }

    /** Makes each socket's endpoint with the node's {@link Protocol}. */
    private static final class Factory extends ServerEndpointConfig.Configurator {
        private final Wiring wiring;

        Factory(Wiring wiring) {
            this.wiring = wiring;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(new SocketEndpoint(wiring.protocol(), wiring.maxMessageBytes(), wiring.proxies()));
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
         * Records who the socket is. The credential was already checked at the upgrade gate;
         * it is checked again here because the upgrade request cannot carry the result across
         * portably. A client certificate the gate found verified arrives as the request's user
         * principal ({@link VerifiedCertificate}), which only the gate can make. The properties written here are this socket's own copy; so are the
         * handshake's address headers, kept for {@link ClientAddress}.
         */
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            ClientAddress.remember(request, config.getUserProperties());
            X509Certificate certificate = request.getUserPrincipal() instanceof VerifiedCertificate verified
                    ? verified.certificate() : null;
            Identity identity = wiring.door().identify(Credentials.from(request.getHeaders(), request.getParameterMap()),
                    certificate);
            if (identity != null) {
                config.getUserProperties().put(IDENTITY, identity);
            } else {
                config.getUserProperties().remove(IDENTITY);
            }
        }
    }
}
