package network.chiral.signaling.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The configured API keys, held only as SHA-256 digests. A presented key is hashed and
 * compared with every digest in constant time, so neither the timing of a comparison nor the
 * position of the matching key tells an attacker anything about the keys.
 */
final class ApiKeys {
    private static final String HASHED = "sha256:";

    private final List<byte[]> digests;

    /** @param keys each in clear or as {@code sha256:<hex>} (already checked by the settings) */
    ApiKeys(List<String> keys) {
        this.digests = keys.stream()
                .map(key -> key.startsWith(HASHED)
                        ? HexFormat.of().parseHex(key.substring(HASHED.length()))
                        : sha256(key))
                .toList();
    }

    boolean isEmpty() {
        return digests.isEmpty();
    }

    boolean matches(String presented) {
        byte[] digest = sha256(presented);
        boolean found = false;
        for (byte[] known : digests) {
            // No early exit: every key is compared whatever matched before.
            found |= MessageDigest.isEqual(known, digest);
        }
        return found;
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
