package network.chiral.signaling.api;

import java.util.Arrays;
import java.util.Optional;

/** The {@code code} values of an {@link ErrorMessage}, with the names they have on the wire. */
public enum ErrorCode {
    /** The frame is not valid JSON, has an unknown {@code type}, or a field is missing or mistyped. */
    INVALID_MESSAGE("invalid-message"),
    /** A relay was sent before the socket registered an id. */
    NOT_REGISTERED("not-registered"),
    /** An offer or answer names an id that no socket holds. */
    PEER_NOT_FOUND("peer-not-found"),
    /** Another live socket holds the requested id. */
    ID_TAKEN("id-taken"),
    /** The socket sends faster than its allowance; the message was dropped. */
    RATE_LIMITED("rate-limited"),
    /** Credentials are missing or invalid. */
    UNAUTHORIZED("unauthorized"),
    /** The credentials do not allow this action (for example another id than the token's). */
    FORBIDDEN("forbidden"),
    /** A backend the server needs for this message is unavailable; retry later. */
    UNAVAILABLE("unavailable"),
    /** The server failed unexpectedly; the message was not processed. */
    INTERNAL("internal");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the {@code code} field. */
    public String wireName() {
        return wireName;
    }

    /** The code with this wire name, if any. */
    public static Optional<ErrorCode> fromWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(name)).findFirst();
    }
}
