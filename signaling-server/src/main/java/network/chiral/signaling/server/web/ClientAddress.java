package network.chiral.signaling.server.web;

import java.net.InetSocketAddress;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.Session;

/**
 * The client's address, the same for the upgrade request (admission checks) and for the socket
 * (logs, per-address counts). Both go through {@link #normal}, the one place that decides what
 * "the client's address" is.
 */
final class ClientAddress {
    /** The user property both containers fill with the remote {@link InetSocketAddress}. */
    static final String REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";

    private ClientAddress() {
    }

    static String of(Session session) {
        Object address = session.getUserProperties().get(REMOTE_ADDRESS);
        if (address instanceof InetSocketAddress socket) {
            return normal(socket.getAddress() != null ? socket.getAddress().getHostAddress() : socket.getHostString());
        }
        return address == null ? "unknown" : normal(address.toString());
    }

    static String of(HttpServletRequest request) {
        String address = request.getRemoteAddr();
        return address == null ? "unknown" : normal(address);
    }

    /** One spelling per address: containers differ on brackets around IPv6 addresses. */
    static String normal(String address) {
        if (address.startsWith("[") && address.endsWith("]")) {
            return address.substring(1, address.length() - 1);
        }
        return address;
    }
}
