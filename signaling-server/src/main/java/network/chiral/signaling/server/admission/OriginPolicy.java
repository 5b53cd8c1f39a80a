package network.chiral.signaling.server.admission;

import java.util.List;
import java.util.Locale;

/**
 * Which browser origins may open a socket: exact origins ({@code https://app.example.com}) or
 * one-level-or-deeper wildcards ({@code https://*.example.com}, which matches
 * {@code https://a.example.com} and {@code https://a.b.example.com} but not
 * {@code https://example.com}). Scheme and port must match as written.
 */
final class OriginPolicy {
    private final List<String> exact;
    private final List<String[]> wildcards;
    private final boolean allowMissing;

    OriginPolicy(List<String> allowed, boolean allowMissing) {
        this.exact = allowed.stream().filter(o -> !o.contains("*")).map(OriginPolicy::normal).toList();
        // "https://*.example.com:8443" -> prefix "https://", suffix ".example.com:8443"
        this.wildcards = allowed.stream().filter(o -> o.contains("*.")).map(OriginPolicy::normal)
                .map(o -> new String[] {o.substring(0, o.indexOf("*.")), o.substring(o.indexOf("*.") + 1)})
                .toList();
        this.allowMissing = allowMissing;
    }

    /** Whether any origin restriction is configured. */
    boolean restricts() {
        return !exact.isEmpty() || !wildcards.isEmpty();
    }

    boolean allows(String origin) {
        if (!restricts()) {
            return true;
        }
        if (origin == null || origin.isEmpty()) {
            return allowMissing;
        }
        String o = normal(origin);
        if (exact.contains(o)) {
            return true;
        }
        for (String[] w : wildcards) {
            if (o.startsWith(w[0]) && o.endsWith(w[1])) {
                String host = o.substring(w[0].length(), o.length() - w[1].length());
                if (!host.isEmpty() && host.matches("[a-z0-9-]+(\\.[a-z0-9-]+)*")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String normal(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
