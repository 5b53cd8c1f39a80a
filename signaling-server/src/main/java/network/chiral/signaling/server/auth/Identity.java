package network.chiral.signaling.server.auth;

import java.util.Optional;

/**
 * Who an authenticated socket is.
 *
 * @param subject the token's {@code sub}: the only clientId this socket may register; empty
 *                when the credential names no one (API keys, tokens without {@code sub})
 */
public record Identity(Optional<String> subject) {
    /** Any id may be registered: authentication is off, or the credential names no one. */
    public static final Identity ANYONE = new Identity(Optional.empty());

    /** The identity an accepted credential grants. */
    public static Identity of(Verdict.Accepted accepted) {
        return accepted.subject().map(s -> new Identity(Optional.of(s))).orElse(ANYONE);
    }
}
