package network.chiral.signaling.server.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Authentication: at most one way to verify tokens, plus API keys. Off when none is given.
 *
 * @param jwtSecret     HMAC secret for HS256/384/512 tokens
 * @param publicKeyFile PEM file of the public key (RSA or EC) for RS/PS/ES tokens
 * @param publicKey     that key, parsed at start so that a bad file stops the server at once
 * @param jwksUrl       JWK set location for RS/PS/ES tokens
 * @param issuer        required {@code iss}
 * @param audience      required {@code aud}
 * @param apiKeys       accepted API keys, each in clear or {@code sha256:<hex>}
 * @param registerToken whether a socket without a credential at upgrade may authenticate in {@code register}
 */
public record AuthSettings(
        Optional<String> jwtSecret,
        Optional<Path> publicKeyFile,
        Optional<PublicKey> publicKey,
        Optional<URI> jwksUrl,
        Optional<String> issuer,
        Optional<String> audience,
        List<String> apiKeys,
        boolean registerToken) {

    /** Shortest HMAC secret accepted: HS256 needs a 256-bit key. */
    static final int MIN_SECRET_BYTES = 32;
    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";

    public AuthSettings {
        apiKeys = List.copyOf(apiKeys);
    }

    /** Whether any credential is required at all. */
    public boolean enabled() {
        return jwtEnabled() || !apiKeys.isEmpty();
    }

    /** Whether tokens are verified as JWTs. */
    public boolean jwtEnabled() {
        return jwtSecret.isPresent() || publicKeyFile.isPresent() || jwksUrl.isPresent();
    }

    static AuthSettings read(SettingReader read) {
        Optional<String> secret = optional(read.raw(Setting.AUTH_JWT_SECRET));
        secret.ifPresent(s -> {
            if (s.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                // The value is secret: name the setting, never echo it.
                throw new InvalidSettingException(Setting.AUTH_JWT_SECRET.variable()
                        + ": expected at least " + MIN_SECRET_BYTES + " bytes (HS256 needs a 256-bit key)");
            }
        });
        Optional<Path> keyFile = optional(read.raw(Setting.AUTH_JWT_PUBLIC_KEY_FILE)).map(Path::of);
        Optional<PublicKey> publicKey = keyFile.map(AuthSettings::publicKey);
        Optional<URI> jwks = optional(read.raw(Setting.AUTH_JWKS_URL)).map(AuthSettings::httpUri);
        long ways = secret.stream().count() + keyFile.stream().count() + jwks.stream().count();
        if (ways > 1) {
            throw new InvalidSettingException("set only one of " + Setting.AUTH_JWT_SECRET.variable() + ", "
                    + Setting.AUTH_JWT_PUBLIC_KEY_FILE.variable() + " and " + Setting.AUTH_JWKS_URL.variable());
        }
        Optional<String> issuer = optional(read.raw(Setting.AUTH_JWT_ISSUER));
        Optional<String> audience = optional(read.raw(Setting.AUTH_JWT_AUDIENCE));
        List<String> keys = read.list(Setting.AUTH_API_KEYS);
        for (String key : keys) {
            if (key.startsWith("sha256:") && !isSha256Hex(key.substring("sha256:".length()))) {
                throw new InvalidSettingException(Setting.AUTH_API_KEYS.variable()
                        + ": a sha256: entry must be followed by 64 hex digits");
            }
        }
        boolean registerToken = read.bool(Setting.AUTH_REGISTER_TOKEN);
        return new AuthSettings(secret, keyFile, publicKey, jwks, issuer, audience, keys, registerToken);
    }

    /** An X.509 SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"), RSA or EC, as openssl writes it. */
    private static PublicKey publicKey(Path file) {
        String expected = "a readable PEM file with an RSA or EC public key (-----BEGIN PUBLIC KEY-----)";
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidSettingException(Setting.AUTH_JWT_PUBLIC_KEY_FILE, file.toString(), expected);
        }
        int begin = pem.indexOf(PEM_BEGIN);
        int end = pem.indexOf(PEM_END);
        if (begin < 0 || end < begin) {
            throw new InvalidSettingException(Setting.AUTH_JWT_PUBLIC_KEY_FILE, file.toString(), expected);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + PEM_BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(Setting.AUTH_JWT_PUBLIC_KEY_FILE, file.toString(), expected);
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
                // Try the next key type.
            }
        }
        throw new InvalidSettingException(Setting.AUTH_JWT_PUBLIC_KEY_FILE, file.toString(), expected);
    }

    private static boolean isSha256Hex(String hex) {
        if (hex.length() != 64) {
            return false;
        }
        try {
            HexFormat.of().parseHex(hex);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static URI httpUri(String value) {
        try {
            URI uri = new URI(value);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                throw new InvalidSettingException(Setting.AUTH_JWKS_URL, value, "an http or https URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(Setting.AUTH_JWKS_URL, value, "an http or https URL");
        }
    }

    static Optional<String> optional(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    @Override
    public String toString() {
        // Records print every component; the secret and the keys must never reach a log.
        return "AuthSettings[jwtSecret=" + jwtSecret.map(s -> "(secret)") + ", publicKeyFile=" + publicKeyFile + ", publicKey=" + publicKey.map(PublicKey::getAlgorithm)
                + ", jwksUrl=" + jwksUrl + ", issuer=" + issuer + ", audience=" + audience
                + ", apiKeys=" + apiKeys.size() + " (secret), registerToken=" + registerToken + "]";
    }
}
