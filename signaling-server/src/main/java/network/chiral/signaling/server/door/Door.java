package network.chiral.signaling.server.door;

import java.security.cert.X509Certificate;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.server.admission.Admission;
import network.chiral.signaling.server.admission.AdmissionRefusal;
import network.chiral.signaling.server.auth.Authenticator;
import network.chiral.signaling.server.auth.Identity;
import network.chiral.signaling.server.auth.Verdict;
import network.chiral.signaling.server.peer.Connections;
import network.chiral.signaling.server.peer.TrafficEvents;

/**
 * Who may open a socket: the decisions taken at the WebSocket upgrade, before any socket
 * exists. In order: the server must be accepting (not draining), the origin and the address
 * within their limits, and the credential or the client certificate, if one is required at the
 * upgrade, valid. Every refusal is counted here, and logged at most once a second per reason
 * ({@link RefusalLog}).
 */
public final class Door {
    private static final Logger LOG = LoggerFactory.getLogger(Door.class);
    private static final int UNAUTHORIZED = 401;

    private final Connections connections;
    private final Admission admission;
    private final Authenticator authenticator;
    private final TrafficEvents events;
    private final RefusalLog refusals = new RefusalLog(System::nanoTime, Door::warn);

    public Door(Connections connections, Admission admission, Authenticator authenticator, TrafficEvents events) {
        this.connections = connections;
        this.admission = admission;
        this.authenticator = authenticator;
        this.events = events;
    }

    /**
     * Why an upgrade is turned away, as the HTTP answer the client gets instead of a socket.
     *
     * @param status            401, 403, 429 or 503
     * @param label             short stable name of the rule, for logs and the refusal metric
     * @param reason            one line, safe to show the client
     * @param retryAfterSeconds seconds for {@code Retry-After}, or 0 for none
     * @param draining          the server is stopping: the answer also closes the connection
     */
    public record Turned(int status, String label, String reason, long retryAfterSeconds, boolean draining) {
        /** Whether the answer asks for a bearer token ({@code WWW-Authenticate}). */
        public boolean challenges() {
            return status == UNAUTHORIZED;
        }
    }

    /**
     * Whether client certificates authenticate, so that the gate should look for one
     * ({@code SIGNALING_TLS_CLIENT_AUTH} want or need).
     */
    public boolean acceptsCertificates() {
        return authenticator.acceptsCertificates();
    }

    /**
     * Decides an upgrade that brings no client certificate.
     *
     * @see #admit(String, String, String, X509Certificate)
     */
    public Optional<Turned> admit(String origin, String address, String credential) {
        return admit(origin, address, credential, null);
    }

    /**
     * Decides an upgrade.
     *
     * @param origin      the {@code Origin} header, or {@code null}
     * @param address     the client's address
     * @param credential  the credential presented at the upgrade, or {@code null}
     * @param certificate the client certificate its TLS end verified (see {@link VerifiedCertificate}), or {@code null}
     * @return why it is turned away, or empty to let it through
     */
    public Optional<Turned> admit(String origin, String address, String credential, X509Certificate certificate) {
        Optional<Turned> turned = decide(origin, address, credential, certificate);
        turned.ifPresent(t -> {
            events.refused(t.label());
            refusals.refused(t.label(), address);
        });
        return turned;
    }

    private static void warn(String reason, String remote, long suppressed) {
        var line = LOG.atWarn().addKeyValue("reason", reason).addKeyValue("remote", remote);
        if (suppressed > 0) {
            line = line.addKeyValue("suppressed", suppressed);
        }
        line.log("connection refused");
    }

    private Optional<Turned> decide(String origin, String address, String credential, X509Certificate certificate) {
        if (!connections.accepting()) {
            return Optional.of(new Turned(AdmissionRefusal.SERVICE_UNAVAILABLE, "draining", "server shutting down", 0, true));
        }
        Optional<AdmissionRefusal> refusal = admission.admit(origin, address);
        if (refusal.isPresent()) {
            AdmissionRefusal r = refusal.get();
            return Optional.of(new Turned(r.status(), r.label(), r.reason(), r.retryAfterSeconds(), false));
        }
        if (authenticate(credential, certificate) instanceof Verdict.Rejected rejected) {
            return Optional.of(new Turned(UNAUTHORIZED, "unauthorized", rejected.reason(), 0, false));
        }
        return Optional.empty();
    }

    /**
     * What the upgrade's credentials grant, or {@code null} when it brought none and may
     * authenticate with its {@code register}. A verified client certificate, when certificates
     * are accepted, decides the identity; a token presented beside it must still be valid. Under
     * {@code need}, nothing opens without a certificate.
     */
    private Verdict authenticate(String credential, X509Certificate certificate) {
        if (!authenticator.enabled()) {
            return new Verdict.Accepted(Optional.empty());
        }
        Verdict byCertificate = certificate != null && authenticator.acceptsCertificates()
                ? authenticator.verify(certificate) : null;
        if (byCertificate instanceof Verdict.Rejected) {
            return byCertificate;
        }
        if (byCertificate == null && authenticator.requiresCertificate()) {
            return new Verdict.Rejected("a client certificate is required");
        }
        if (credential != null) {
            Verdict byToken = authenticator.verify(credential);
            if (byToken instanceof Verdict.Rejected || byCertificate == null) {
                return byToken;
            }
        }
        if (byCertificate != null) {
            return byCertificate;
        }
        return authenticator.acceptsRegisterToken() ? null : authenticator.verify((String) null);
    }

    /**
     * Who a socket let through is: anyone when authentication is off; the identity its verified
     * client certificate or its valid credential grants; {@code null} when it must authenticate
     * with the token of its {@code register}.
     *
     * @param credential  the credential presented at the upgrade, or {@code null}
     * @param certificate the verified client certificate, or {@code null}
     */
    public Identity identify(String credential, X509Certificate certificate) {
        if (!authenticator.enabled()) {
            return Identity.ANYONE;
        }
        return authenticate(credential, certificate) instanceof Verdict.Accepted accepted ? Identity.of(accepted) : null;
    }
}
