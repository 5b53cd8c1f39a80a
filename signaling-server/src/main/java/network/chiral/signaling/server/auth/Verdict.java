package network.chiral.signaling.server.auth;

import java.util.Optional;

/** What {@link Authenticator#verify} made of a credential. */
public sealed interface Verdict {

    /**
     * The credential is valid.
     *
     * @param subject the token's {@code sub}, to which the socket's clientId is then bound; empty
     *                for API keys and tokens without one
     */
    record Accepted(Optional<String> subject) implements Verdict {
    }

    /**
     * The credential is missing or invalid.
     *
     * @param reason why, safe to show the client (never contains the credential)
     */
    record Rejected(String reason) implements Verdict {
    }
}
