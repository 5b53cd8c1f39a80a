package network.chiral.signaling.server.door;

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
 * within their limits, and the credential, if one is required at the upgrade, valid. Every
 * refusal is logged and counted here.
 */
public final class Door {
    private static final Logger LOG = LoggerFactory.getLogger(Door.class);
    private static final int UNAUTHORIZED = 401;

    private final Connections connections;
    private final Admission admission;
    private final Authenticator authenticator;
    private final TrafficEvents events;

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
     * Decides an upgrade.
     *
     * @param origin     the {@code Origin} header, or {@code null}
     * @param address    the client's address
     * @param credential the credential presented at the upgrade, or {@code null}
     * @return why it is turned away, or empty to let it through
     */
    public Optional<Turned> admit(String origin, String address, String credential) {
        Optional<Turned> turned = decide(origin, address, credential);
        turned.ifPresent(t -> {
            events.refused(t.label());
            LOG.atWarn().addKeyValue("reason", t.label()).addKeyValue("remote", address).log("connection refused");
        });
        return turned;
    }

    private Optional<Turned> decide(String origin, String address, String credential) {
        if (!connections.accepting()) {
            return Optional.of(new Turned(AdmissionRefusal.SERVICE_UNAVAILABLE, "draining", "server shutting down", 0, true));
        }
        Optional<AdmissionRefusal> refusal = admission.admit(origin, address);
        if (refusal.isPresent()) {
            AdmissionRefusal r = refusal.get();
            return Optional.of(new Turned(r.status(), r.label(), r.reason(), r.retryAfterSeconds(), false));
        }
        if (authenticator.enabled() && (credential != null || !authenticator.acceptsRegisterToken())
                && authenticator.verify(credential) instanceof Verdict.Rejected rejected) {
            return Optional.of(new Turned(UNAUTHORIZED, "unauthorized", rejected.reason(), 0, false));
        }
        return Optional.empty();
    }

    /**
     * Who a socket let through is: anyone when authentication is off; the credential's identity
     * when it presented a valid one at the upgrade; {@code null} when it must authenticate with
     * the token of its {@code register}.
     */
    public Identity identify(String credential) {
        if (!authenticator.enabled()) {
            return Identity.ANYONE;
        }
        if (credential != null && authenticator.verify(credential) instanceof Verdict.Accepted accepted) {
            return Identity.of(accepted);
        }
        return null;
    }
}
