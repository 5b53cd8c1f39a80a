package network.chiral.signaling.server.http;

import java.io.IOException;
import java.io.Writer;
import java.security.cert.X509Certificate;
import java.util.Optional;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import network.chiral.signaling.server.config.TrustedProxies;
import network.chiral.signaling.server.door.Credentials;
import network.chiral.signaling.server.door.Door;
import network.chiral.signaling.server.endpoint.ClientAddress;

/**
 * {@code POST /self-test/upgrade-check}: whether a WebSocket upgrade carrying this request's
 * {@code Origin}, address and credential would be let in, and if not the status and reason the
 * upgrade gets. A browser hides why a WebSocket failed to open (the page sees close 1006 for a
 * 403, a 401 and a proxy that dropped the {@code Upgrade} header alike), so the self-test page
 * asks here to tell the operator which it was.
 *
 * <p>It answers nothing the upgrade itself does not tell any non-browser client (the refusal's
 * status and one-line reason): it is the same decision ({@link Door#admit}), counted, logged and
 * rate-limited as an upgrade attempt. POST, because browsers send {@code Origin} on a same-origin
 * POST but not on a GET. Installed only with the self-test page.
 */
public final class UpgradeCheckServlet extends HttpServlet {
    /** Where it is mapped. */
    public static final String PATH = "/self-test/upgrade-check";

    private final transient Door door;
    private final transient TrustedProxies proxies;

    public UpgradeCheckServlet(Door door, TrustedProxies proxies) {
        this.door = door;
        this.proxies = proxies;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String address = ClientAddress.of(request, proxies);
        String credential = Credentials.from(request.getHeader("Authorization"),
                request.getParameter(Credentials.QUERY_PARAMETER));
        X509Certificate certificate = door.acceptsCertificates() ? UpgradeGate.certificate(request, proxies) : null;
        Optional<Door.Turned> turned = door.admit(request.getHeader("Origin"), address, credential, certificate);
        JsonObjectBuilder body = Json.createObjectBuilder().add("admitted", turned.isEmpty());
        turned.ifPresent(t -> body.add("status", t.status()).add("reason", t.reason()));
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        try (Writer out = response.getWriter()) {
            out.write(body.build().toString());
        }
    }
}
