package network.chiral.signaling.server.door;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a credential arrives with the upgrade: the {@code token} query parameter (browsers
 * cannot set headers on a WebSocket) or an {@code Authorization: Bearer} header. The header
 * wins when both are present.
 */
public final class Credentials {
    /** The query parameter browsers put the token in. */
    public static final String QUERY_PARAMETER = "token";
    private static final String BEARER = "bearer ";

    private Credentials() {
    }

    /**
     * @param authorization the {@code Authorization} header, or {@code null}
     * @param queryToken    the {@code token} query parameter, or {@code null}
     * @return the credential, or {@code null} when none was presented
     */
    public static String from(String authorization, String queryToken) {
        if (authorization != null && authorization.length() > BEARER.length()
                && authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return authorization.substring(BEARER.length()).trim();
        }
        if (queryToken != null && !queryToken.isEmpty()) {
            return queryToken;
        }
        return null;
    }

    /** The same, from the multi-valued maps of a Jakarta {@code HandshakeRequest}. */
    public static String from(Map<String, List<String>> headers, Map<String, List<String>> parameters) {
        String authorization = null;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase("Authorization") && !header.getValue().isEmpty()) {
                authorization = header.getValue().get(0);
            }
        }
        List<String> tokens = parameters.get(QUERY_PARAMETER);
        return from(authorization, tokens == null || tokens.isEmpty() ? null : tokens.get(0));
    }
}
