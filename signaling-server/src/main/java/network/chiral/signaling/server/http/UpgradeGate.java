package network.chiral.signaling.server.http;

import java.io.IOException;
import java.io.Writer;
import java.security.cert.X509Certificate;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.server.config.TrustedProxies;
import network.chiral.signaling.server.door.Credentials;
import network.chiral.signaling.server.door.Door;
import network.chiral.signaling.server.door.ForwardedCertificate;
import network.chiral.signaling.server.door.VerifiedCertificate;
import network.chiral.signaling.server.endpoint.ClientAddress;

/**
 * Turns WebSocket upgrades away with an HTTP status before the container upgrades them, so a
 * client sees a failed handshake it can act on, not a socket that opens and closes at once:
 * 503 while the server drains, 403 for an origin not allowed, 429 or 503 over a connection
 * limit, 401 for a missing or invalid credential or client certificate. Plain HTTP requests
 * pass untouched. Mapped in front of the container's own upgrade filter, to which it hands a
 * verified client certificate as the request's user principal ({@link VerifiedCertificate}),
 * in a request that lets go of the HTTP exchange once the handshake is over
 * ({@link UpgradingRequest}).
 */
public final class UpgradeGate extends HttpFilter {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradeGate.class);
    /** Where a servlet container puts the client certificate chain its TLS verified. */
    static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private final transient Door door;
    private final transient TrustedProxies proxies;

    public UpgradeGate(Door door, TrustedProxies proxies) {
        this.door = door;
        this.proxies = proxies;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        String address = ClientAddress.of(request, proxies);
        String credential = Credentials.from(request.getHeader("Authorization"),
                request.getParameter(Credentials.QUERY_PARAMETER));
        X509Certificate certificate = door.acceptsCertificates() ? certificate(request, proxies) : null;
        Optional<Door.Turned> turned = door.admit(request.getHeader("Origin"), address, credential, certificate);
        if (turned.isEmpty()) {
            UpgradingRequest upgrading = new UpgradingRequest(request,
                    certificate == null ? null : new VerifiedCertificate(certificate));
            try {
                chain.doFilter(upgrading, response);
            } finally {
                upgrading.end();
            }
            return;
        }
        Door.Turned t = turned.get();
        if (t.draining()) {
            response.setHeader("Connection", "close");
            response.sendError(t.status(), t.reason());
            return;
        }
        if (t.retryAfterSeconds() > 0) {
            response.setHeader("Retry-After", Long.toString(t.retryAfterSeconds()));
        }
        if (t.challenges()) {
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        LOG.atDebug().addKeyValue("remote", address).addKeyValue("status", t.status()).addKeyValue("reason", t.reason())
                .log("upgrade refused");
        response.setStatus(t.status());
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        try (Writer out = response.getWriter()) {
            out.write(t.reason());
            out.write('\n');
        }
    }

    /**
     * The client certificate this connection's TLS end verified: the container's (native TLS in
     * the jar, or the servlet container's own TLS, both as {@value #CERTIFICATES}), or else, only
     * when the direct peer is a trusted proxy, the one it forwarded in headers. {@code null} when
     * there is none.
     */
    static X509Certificate certificate(HttpServletRequest request, TrustedProxies proxies) {
        if (request.getAttribute(CERTIFICATES) instanceof X509Certificate[] chain && chain.length > 0) {
            return chain[0];
        }
        String direct = request.getRemoteAddr();
        if (direct != null && proxies.trusts(direct)) {
            return ForwardedCertificate.from(request.getHeader(ForwardedCertificate.CERTIFICATE_HEADER),
                    request.getHeader(ForwardedCertificate.VERIFY_HEADER)).orElse(null);
        }
        return null;
    }
}
