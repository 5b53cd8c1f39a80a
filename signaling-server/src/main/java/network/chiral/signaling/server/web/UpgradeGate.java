package network.chiral.signaling.server.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import network.chiral.signaling.server.peer.Signaling;

/**
 * Turns WebSocket upgrades away with HTTP 503 while the server drains, before the container
 * upgrades them: a client sees a failed handshake it can retry elsewhere, not a socket that
 * opens and closes at once. Mapped in front of the container's own upgrade filter.
 */
final class UpgradeGate extends HttpFilter {
    private final transient Signaling signaling;

    UpgradeGate(Signaling signaling) {
        this.signaling = signaling;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!signaling.accepting() && "websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            signaling.refused("draining", request.getRemoteAddr());
            response.setHeader("Connection", "close");
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "server shutting down");
            return;
        }
        chain.doFilter(request, response);
    }
}
