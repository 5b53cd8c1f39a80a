package network.chiral.signaling.server.auth;

import java.security.cert.X509Certificate;
import java.util.Optional;

import network.chiral.signaling.server.config.AuthSettings;
import network.chiral.signaling.server.config.ClientCertificates;

/**
 * Decides whether a credential (a JWT or an API key, however it arrived) or a verified client
 * certificate lets a socket in. Thread-safe; one per server.
 */
public final class Authenticator {
    /** Longest credential looked at; anything longer is refused without parsing. */
    static final int MAX_CREDENTIAL_CHARS = 8192;

    private final boolean tokens;
    private final boolean registerToken;
    private final ClientCertificates certificates;
    private final ApiKeys apiKeys;
    private final Optional<JwtVerifier> jwt;

    /** Builds the verifiers the settings ask for (none when authentication is off). */
    public Authenticator(AuthSettings settings, ClientCertificates certificates) {
        this.tokens = settings.enabled();
        this.registerToken = settings.registerToken();
        this.certificates = certificates;
        this.apiKeys = new ApiKeys(settings.apiKeys());
        this.jwt = settings.jwtEnabled() ? Optional.of(new JwtVerifier(settings)) : Optional.empty();
    }

    /** Tokens and API keys only, no client certificates. */
    public Authenticator(AuthSettings settings) {
        this(settings, ClientCertificates.OFF);
    }

    /** Whether sockets must authenticate: tokens, API keys or client certificates are configured. */
    public boolean enabled() {
        return tokens || certificates.enabled();
    }

    /**
     * Whether a socket that brings no credential to the upgrade is let in to authenticate with
     * its {@code register} instead of being refused with 401.
     */
    public boolean acceptsRegisterToken() {
        return registerToken && tokens;
    }

    /** Whether a verified client certificate authenticates ({@code SIGNALING_TLS_CLIENT_AUTH} want or need). */
    public boolean acceptsCertificates() {
        return certificates.enabled();
    }

    /** Whether no socket may open without a verified client certificate ({@code need}). */
    public boolean requiresCertificate() {
        return certificates.mode() == ClientCertificates.Mode.NEED;
    }

    /**
     * What a client certificate that its TLS end (native TLS, a trusted proxy or the servlet
     * container) has verified grants: the id it binds the socket to, by
     * {@code SIGNALING_TLS_CLIENT_ID}, or why it names none. Never throws.
     */
    public Verdict verify(X509Certificate verified) {
        if (!certificates.enabled()) {
            return new Verdict.Rejected("client certificates are not accepted");
        }
        return CertificateNames.verdict(verified, certificates.id());
    }

    /**
     * Checks a credential. Never throws and never logs it.
     *
     * @param credential a JWT or an API key; {@code null} or blank when none was presented
     */
    public Verdict verify(String credential) {
        if (credential == null || credential.isBlank()) {
            return new Verdict.Rejected(certificates.enabled()
                    ? (tokens ? "a client certificate or a token is required" : "a client certificate is required")
                    : "a token is required");
        }
        if (!tokens) {
            return new Verdict.Rejected("tokens are not accepted: present a client certificate");
        }
        if (credential.length() > MAX_CREDENTIAL_CHARS) {
            return new Verdict.Rejected("the token is too long");
        }
        if (!apiKeys.isEmpty() && apiKeys.matches(credential)) {
            return new Verdict.Accepted(Optional.empty());
        }
        if (jwt.isPresent()) {
            return jwt.get().verify(credential);
        }
        return new Verdict.Rejected("invalid API key");
    }
}
