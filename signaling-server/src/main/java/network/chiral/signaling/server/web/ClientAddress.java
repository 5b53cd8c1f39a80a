package network.chiral.signaling.server.web;

import java.net.InetSocketAddress;

import jakarta.websocket.Session;

/** The remote address of a socket, as Jetty and Tomcat both publish it. */
final class ClientAddress {
    /** The user property both containers fill with the remote {@link InetSocketAddress}. */
    static final String REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";

    private ClientAddress() {
    }

    static String of(Session session) {
        Object address = session.getUserProperties().get(REMOTE_ADDRESS);
        if (address instanceof InetSocketAddress socket) {
            return socket.getAddress() != null ? socket.getAddress().getHostAddress() : socket.getHostString();
        }
        return address == null ? "unknown" : address.toString();
    }
}
