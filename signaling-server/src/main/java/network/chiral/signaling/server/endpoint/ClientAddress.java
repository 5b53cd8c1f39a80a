package network.chiral.signaling.server.endpoint;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;

import network.chiral.signaling.server.config.TrustedProxies;

/**
 * The client's address, the same for the upgrade request (admission checks) and for the socket
 * (logs, per-address counts). Jakarta WebSocket has no standard API for a socket's remote
 * address: Jetty puts it in the session's user properties; for containers that do not
 * (Tomcat), {@link PeerAddressFilter} hands the servlet request's address to the handshake in
 * a header of its own. Behind a trusted reverse proxy ({@code SIGNALING_TRUSTED_PROXIES}) the
 * forwarded headers name the client instead, for admission and socket alike.
 */
public final class ClientAddress {
    /** The user property Jetty fills with the remote {@link InetSocketAddress}. */
    static final String REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";
    /** And the local one, which nothing here needs. */
    static final String LOCAL_ADDRESS = "jakarta.websocket.endpoint.localAddress";
    /** Where the handshake's view of the peer waits for the socket to open. */
    private static final String HANDSHAKE = ClientAddress.class.getName() + ".handshake";

    /**
     * What the handshake said about the peer, kept per socket.
     *
     * @param direct       the servlet request's remote address, or {@code null}
     * @param forwardedFor every {@code X-Forwarded-For} value
     * @param realIp       the {@code X-Real-IP} value, or {@code null}
     */
    record Handshake(String direct, List<String> forwardedFor, String realIp) {
    }

    private ClientAddress() {
    }

    /**
     * Keeps the handshake's headers in {@code userProperties}. Both Jetty and Tomcat hand
     * {@code modifyHandshake} a configuration copied for this one handshake, and the session's
     * user properties start as a copy of it, so concurrent handshakes never see each other's.
     */
    static void remember(HandshakeRequest request, Map<String, Object> userProperties) {
        List<String> direct = header(request, PeerAddressFilter.HEADER);
        List<String> realIp = header(request, "X-Real-IP");
        userProperties.put(HANDSHAKE, new Handshake(
                direct.isEmpty() ? null : direct.get(0),
                header(request, "X-Forwarded-For"),
                realIp.isEmpty() ? null : realIp.get(0)));
    }

    /**
     * The client's address for logs: the direct peer's, or the forwarded one behind a trusted
     * proxy. Called once, when the socket opens: the handshake's headers and the addresses are
     * dropped from the session here, so that an idle socket does not keep them.
     */
    static String of(Session session, TrustedProxies proxies) {
        Map<String, Object> properties = session.getUserProperties();
        Object handshake = properties.remove(HANDSHAKE);
        Handshake seen = handshake instanceof Handshake h ? h : new Handshake(null, List.of(), null);
        String direct = direct(properties.remove(REMOTE_ADDRESS), seen.direct());
        properties.remove(LOCAL_ADDRESS);
        return proxies.client(normal(direct), seen.forwardedFor(), seen.realIp());
    }

    private static String direct(Object property, String fromFilter) {
        if (property instanceof InetSocketAddress socket) {
            return socket.getAddress() != null ? socket.getAddress().getHostAddress() : socket.getHostString();
        }
        return fromFilter != null ? fromFilter : "unknown";
    }

    /** Header values by case-insensitive name: containers differ in how they key the map. */
    private static List<String> header(HandshakeRequest request, String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : request.getHeaders().entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name) && entry.getValue() != null) {
                values.addAll(entry.getValue());
            }
        }
        return values;
    }

    /**
     * The client's address for an upgrade request (admission checks): the same answer as
     * {@link #of(Session, TrustedProxies)} gives the socket, forwarded headers included.
     */
    public static String of(HttpServletRequest request, TrustedProxies proxies) {
        String address = request.getRemoteAddr();
        if (address == null) {
            return "unknown";
        }
        String realIp = request.getHeader("X-Real-IP");
        return proxies.client(normal(address), java.util.Collections.list(request.getHeaders("X-Forwarded-For")), realIp);
    }

    /** One spelling per address: containers differ on brackets around IPv6 addresses. */
    static String normal(String address) {
        if (address.startsWith("[") && address.endsWith("]")) {
            return address.substring(1, address.length() - 1);
        }
        return address;
    }
}
