package network.chiral.signaling.server.auth;

import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import network.chiral.signaling.server.config.AuthSettings;

/**
 * Verifies JWTs with nimbus-jose-jwt against the one key source configured. Only the
 * algorithms of that key's family are accepted: HMAC for a secret, RSA/EC for a public key or a
 * JWK set. Unsigned ({@code alg: none}) tokens are refused by the processor itself, and an
 * HS256 token "signed" with the RSA public key finds no HMAC key to check against.
 */
final class JwtVerifier {
    /** Tolerated difference between the issuer's clock and ours, for {@code exp} and {@code nbf}. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    /** How long a fetched JWK set is used before it is fetched again. */
    static final Duration JWKS_TTL = Duration.ofMinutes(5);
    /** Least time between two fetches, however many unknown key ids arrive. */
    static final Duration JWKS_MIN_REFETCH = Duration.ofSeconds(2);
    private static final Duration JWKS_FETCH_TIMEOUT = Duration.ofSeconds(5);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    JwtVerifier(AuthSettings settings) {
        processor.setJWSKeySelector(keySelector(settings));
        Set<String> required = new HashSet<>(Set.of("exp"));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        settings.issuer().ifPresent(issuer -> {
            exact.issuer(issuer);
            required.add("iss");
        });
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audience().map(Set::of).orElse(null), exact.build(), required, null);
        claims.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    private static JWSVerificationKeySelector<SecurityContext> keySelector(AuthSettings settings) {
        if (settings.jwtSecret().isPresent()) {
            byte[] secret = settings.jwtSecret().get().getBytes(StandardCharsets.UTF_8);
            return new JWSVerificationKeySelector<>(Set.copyOf(JWSAlgorithm.Family.HMAC_SHA),
                    new ImmutableSecret<>(secret));
        }
        if (settings.publicKey().isPresent()) {
            return publicKeySelector(settings.publicKey().get());
        }
        JWKSource<SecurityContext> source;
        try {
            source = JWKSourceBuilder.<SecurityContext>create(settings.jwksUrl().orElseThrow().toURL(),
                            new com.nimbusds.jose.util.DefaultResourceRetriever(
                                    (int) JWKS_FETCH_TIMEOUT.toMillis(), (int) JWKS_FETCH_TIMEOUT.toMillis(), 1024 * 1024))
                    .cache(JWKS_TTL.toMillis(), JWKS_FETCH_TIMEOUT.toMillis())
                    .rateLimited(JWKS_MIN_REFETCH.toMillis())
                    .retrying(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("the JWKS URL was checked at start: " + e.getMessage(), e);
        }
        Set<JWSAlgorithm> asymmetric = new HashSet<>(JWSAlgorithm.Family.RSA);
        asymmetric.addAll(JWSAlgorithm.Family.EC);
        return new JWSVerificationKeySelector<>(asymmetric, source);
    }

    private static JWSVerificationKeySelector<SecurityContext> publicKeySelector(PublicKey key) {
        JWKSet set;
        Set<JWSAlgorithm> algorithms;
        if (key instanceof RSAPublicKey rsa) {
            set = new JWKSet(new RSAKey.Builder(rsa).build());
            algorithms = Set.copyOf(JWSAlgorithm.Family.RSA);
        } else if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            set = new JWKSet(new ECKey.Builder(curve, ec).build());
            // One curve, one algorithm: P-256 signs ES256 only, and so on.
            algorithms = Set.copyOf(Curve.forJWSAlgorithm(JWSAlgorithm.ES256).contains(curve) ? Set.of(JWSAlgorithm.ES256)
                    : Curve.forJWSAlgorithm(JWSAlgorithm.ES384).contains(curve) ? Set.of(JWSAlgorithm.ES384)
                    : Set.of(JWSAlgorithm.ES512));
        } else {
            throw new IllegalArgumentException("unsupported public key type " + key.getAlgorithm());
        }
        return new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(set));
    }

    Verdict verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            return new Verdict.Accepted(Optional.ofNullable(claims.getSubject()));
        } catch (ParseException e) {
            return new Verdict.Rejected("malformed token");
        } catch (BadJOSEException e) {
            return new Verdict.Rejected(explain(e));
        } catch (JOSEException e) {
            return new Verdict.Rejected("the token could not be verified");
        }
    }

    /** nimbus's messages name the failed check without quoting the token; keep them short. */
    private static String explain(BadJOSEException e) {
        String message = e.getMessage() == null ? "invalid token" : e.getMessage();
        return message.length() <= 160 ? message : message.substring(0, 160);
    }
}
