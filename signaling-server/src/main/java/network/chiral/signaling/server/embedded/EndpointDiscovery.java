package network.chiral.signaling.server.embedded;

import java.util.concurrent.atomic.LongAdder;

import jakarta.websocket.EndpointConfig;
import jakarta.websocket.server.ServerEndpointConfig;

import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketFrameHandlerMetadata;
import org.eclipse.jetty.ee10.websocket.jakarta.server.JakartaWebSocketServerContainer;
import org.eclipse.jetty.ee10.websocket.jakarta.server.JakartaWebSocketServerFrameHandlerFactory;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.core.server.WebSocketCreator;
import org.eclipse.jetty.websocket.core.server.WebSocketMappings;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;

/**
 * Jetty's Jakarta frame-handler factory, discovering the annotated endpoint once per server
 * instead of once per socket.
 *
 * <p>Jetty 12 builds an annotated endpoint's metadata again at every upgrade: it reflects over
 * the class's methods, makes their method handles and matches decoders to them. That was a
 * tenth of a reconnect storm's CPU and a third of what it allocated (docs/benchmarks.md). The
 * metadata is not changed once built: each socket's frame handler copies and binds what it
 * takes from it. So one copy, made from the endpoint's own configuration at start-up, serves
 * every socket. Its decoder instances are then shared by all sockets, which the endpoint's
 * decoder allows: it keeps no state of its own between frames. Tomcat keeps such metadata per
 * endpoint by itself; the WAR run by Jetty keeps Jetty's way.
 */
final class EndpointDiscovery extends JakartaWebSocketServerFrameHandlerFactory {
    private final Class<?> endpoint;
    private final JakartaWebSocketFrameHandlerMetadata metadata;
    private final LongAdder served = new LongAdder();

    private EndpointDiscovery(JakartaWebSocketServerContainer container, ServerEndpointConfig config) {
        super(container);
        this.endpoint = config.getEndpointClass();
        this.metadata = super.getMetadata(endpoint, config);
    }

    /**
     * Puts a factory that discovers {@code config}'s endpoint once in front of the mapping the
     * container made for it.
     *
     * @throws IllegalStateException if the container has no mapping for the endpoint's path yet
     */
    static EndpointDiscovery install(ContextHandler context, JakartaWebSocketServerContainer container,
            ServerEndpointConfig config) {
        WebSocketMappings mappings = WebSocketMappings.getMappings(context);
        PathSpec path = new UriTemplatePathSpec(config.getPath());
        WebSocketNegotiator jettys = mappings == null ? null : mappings.getWebSocketNegotiator(path);
        WebSocketCreator creator = mappings == null ? null : mappings.getWebSocketCreator(path);
        if (jettys == null || creator == null) {
            throw new IllegalStateException("no WebSocket mapping for " + config.getPath() + " to take over");
        }
        EndpointDiscovery discovery = new EndpointDiscovery(container, config);
        mappings.removeMapping(path);
        // Jetty's own negotiator still customizes each session (buffer sizes, idle timeout).
        mappings.addMapping(path, WebSocketNegotiator.from(creator, discovery, jettys));
        return discovery;
    }

    @Override
    public JakartaWebSocketFrameHandlerMetadata getMetadata(Class<?> type, EndpointConfig config) {
        if (type != endpoint) {
            return super.getMetadata(type, config);
        }
        served.increment();
        return metadata;
    }

    /** How many sockets' frame handlers were made from the one discovery. */
    long served() {
        return served.sum();
    }
}
