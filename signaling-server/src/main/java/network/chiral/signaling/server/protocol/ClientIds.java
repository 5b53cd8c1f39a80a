package network.chiral.signaling.server.protocol;

import network.chiral.signaling.api.ErrorCode;

/** What a {@code clientId} may be: 1 to 256 characters, none of them a control character. */
final class ClientIds {
    static final int MAX_LENGTH = 256;

    private ClientIds() {
    }

    static String check(String id) throws Refusal {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            throw new Refusal(ErrorCode.INVALID_MESSAGE, "clientId must be 1 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c) && !validSurrogateAt(id, i)) {
                throw new Refusal(ErrorCode.INVALID_MESSAGE,
                        "clientId must not contain control characters or broken UTF-16");
            }
        }
        return id;
    }

    private static boolean validSurrogateAt(String id, int i) {
        char c = id.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(id.charAt(i - 1));
    }

    /** An id fit for an error message: quoted, at most {@link #MAX_LENGTH} characters. */
    static String shown(String id) {
        return id.length() <= MAX_LENGTH ? id : id.substring(0, MAX_LENGTH) + "...";
    }
}
