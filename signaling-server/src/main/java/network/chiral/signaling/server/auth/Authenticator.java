package network.chiral.signaling.server.auth;

import java.util.Optional;

import network.chiral.signaling.server.config.AuthSettings;

/**
 * Decides whether a credential (a JWT or an API key, however it arrived) lets a socket in.
 * Thread-safe; one per server.
 */
public final class Authenticator {
    /** Longest credential looked at; anything longer is refused without parsing. */
    static final int MAX_CREDENTIAL_CHARS = 8192;

    private final boolean enabled;
    private final boolean registerToken;
    private final ApiKeys apiKeys;
    private final Optional<JwtVerifier> jwt;

    /** Builds the verifier the settings ask for (none when authentication is off). */
    public Authenticator(AuthSettings settings) {
        this.enabled = settings.enabled();
        this.registerToken = settings.registerToken();
        this.apiKeys = new ApiKeys(settings.apiKeys());
        this.jwt = settings.jwtEnabled() ? Optional.of(new JwtVerifier(settings)) : Optional.empty();
    }

    /** Whether sockets must present a credential. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Whether a socket that brings no credential to the upgrade is let in to authenticate with
     * its {@code register} instead of being refused with 401.
     */
    public boolean acceptsRegisterToken() {
        return registerToken;
    }

    /**
     * Checks a credential. Never throws and never logs it.
     *
     * @param credential a JWT or an API key; {@code null} or blank when none was presented
     */
    public Verdict verify(String credential) {
        if (credential == null || credential.isBlank()) {
            return new Verdict.Rejected("a token is required");
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
