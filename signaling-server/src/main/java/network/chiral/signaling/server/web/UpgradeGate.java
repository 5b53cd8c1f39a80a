package network.chiral.signaling.server.web;

import java.io.IOException;
import java.io.Writer;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.server.admission.AdmissionRefusal;
import network.chiral.signaling.server.auth.Verdict;
import network.chiral.signaling.server.peer.Signaling;

/**
 * Turns WebSocket upgrades away with an HTTP status before the container upgrades them, so a
 * client sees a failed handshake it can act on, not a socket that opens and closes at once:
 * 503 while the server drains, 403 for an origin not allowed, 429 or 503 over a connection
 * limit, 401 for a missing or invalid credential. Plain HTTP requests pass untouched. Mapped
 * in front of the container's own upgrade filter.
 */
final class UpgradeGate extends HttpFilter {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradeGate.class);
    private static final int UNAUTHORIZED = 401;

    private final transient Signaling signaling;

    UpgradeGate(Signaling signaling) {
        this.signaling = signaling;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        String address = ClientAddress.of(request, signaling.settings().trustedProxies());
        if (!signaling.accepting()) {
            signaling.refused("draining", address);
            response.setHeader("Connection", "close");
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "server shutting down");
            return;
        }
        Optional<AdmissionRefusal> refusal = signaling.admission().admit(request.getHeader("Origin"), address);
        if (refusal.isPresent()) {
            AdmissionRefusal r = refusal.get();
            if (r.retryAfterSeconds() > 0) {
                response.setHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
            }
            refuse(response, address, r.status(), r.label(), r.reason());
            return;
        }
        if (signaling.authenticator().enabled()) {
            String credential = Credentials.from(request.getHeader("Authorization"),
                    request.getParameter(Credentials.QUERY_PARAMETER));
            if (credential != null || !signaling.authenticator().acceptsRegisterToken()) {
                Verdict verdict = signaling.authenticator().verify(credential);
                if (verdict instanceof Verdict.Rejected rejected) {
                    response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                    refuse(response, address, UNAUTHORIZED, "unauthorized", rejected.reason());
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletResponse response, String address, int status, String label, String reason)
            throws IOException {
        signaling.refused(label, address);
        LOG.atDebug().addKeyValue("remote", address).addKeyValue("status", status).addKeyValue("reason", reason)
                .log("upgrade refused");
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        try (Writer out = response.getWriter()) {
            out.write(reason);
            out.write('\n');
        }
    }
}
