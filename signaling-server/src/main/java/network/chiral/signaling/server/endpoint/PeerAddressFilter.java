package network.chiral.signaling.server.endpoint;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import network.chiral.signaling.server.peer.Peer;
import network.chiral.signaling.server.protocol.Protocol;

/**
 * Passes the connection's remote address to the WebSocket handshake, which has no API for it,
 * as the header {@value #HEADER}. The header is always replaced, never taken from the
 * client. Tomcat builds its handshake request from this wrapper; Jetty ignores the wrapper and
 * publishes the address itself, which {@link ClientAddress} prefers.
 */
public final class PeerAddressFilter extends HttpFilter {
    /** Internal header name; any value a client sends under it is overwritten. */
    static final String HEADER = "X-Chiral-Signaling-Peer";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(new WithPeer(request), response);
    }

    private static final class WithPeer extends HttpServletRequestWrapper {
        WithPeer(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return HEADER.equalsIgnoreCase(name) ? getRemoteAddr() : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HEADER.equalsIgnoreCase(name) ? Collections.enumeration(List.of(getRemoteAddr())) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(HEADER::equalsIgnoreCase);
            names.add(HEADER);
            return Collections.enumeration(names);
        }
    }
}
