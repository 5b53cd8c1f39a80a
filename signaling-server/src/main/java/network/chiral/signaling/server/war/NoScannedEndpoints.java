package network.chiral.signaling.server.war;

import java.util.Set;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Turns off the container's deployment of scanned endpoints for this WAR. {@link SignalingWebApp}
 * adds the endpoint itself with the configurator that binds it to the server; if the container
 * also deployed the scanned {@code @ServerEndpoint}, Tomcat would keep the scanned copy, which
 * has no configurator and cannot be instantiated.
 */
public final class NoScannedEndpoints implements ServerApplicationConfig {

    @Override
    public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> scanned) {
        return Set.of();
    }

    @Override
    public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
        return Set.of();
    }
}
