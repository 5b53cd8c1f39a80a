package network.chiral.signaling.it.security;

import static network.chiral.signaling.it.fixture.PeerClient.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;


import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;

import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;
import network.chiral.signaling.it.fixture.Scrape;
import network.chiral.signaling.it.fixture.Tokens;

/**
 * Authentication with an HMAC secret and API keys, over real sockets: every way a credential
 * can be wrong is refused at the upgrade with 401, and a token's {@code sub} binds the id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationIT {
    /** 64 bytes: long enough for HS512, the strongest HMAC algorithm. */
    private static final String SECRET = "integration-test-secret-long-enough-for-hs512-0123456789abcdefgh";
    private static final String API_KEY = "clear-api-key-for-tests";
    private static final String HASHED_API_KEY = "key-held-only-as-a-hash";
    private static final String ISSUER = "https://id.chiral.test";
    private static final String AUDIENCE = "signaling";

    private final Peers peers = new Peers();
    private LocalServer server;

    @BeforeAll
    void start() throws Exception {
        peers.start();
        server = LocalServer.start(Map.of(
                "SIGNALING_AUTH_JWT_SECRET", SECRET,
                "SIGNALING_AUTH_JWT_ISSUER", ISSUER,
                "SIGNALING_AUTH_JWT_AUDIENCE", AUDIENCE,
                "SIGNALING_AUTH_API_KEYS", API_KEY + ",sha256:" + sha256Hex(HASHED_API_KEY)));
    }

    @AfterAll
    void stop() throws Exception {
        peers.stop();
        server.close();
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        return Tokens.claims(subject).issuer(ISSUER).audience(AUDIENCE);
    }

    private static String token(String subject) {
        return Tokens.hmac(SECRET, JWSAlgorithm.HS256, claims(subject).build());
    }

    private int refusedWith(String token) {
        return peers.refusedUpgrade(server.uri(token));
    }

    @Test
    void noCredentialIsRefusedWith401() {
        assertThat(peers.refusedUpgrade(server.uri())).isEqualTo(401);
        Scrape metrics = Scrape.of(server.httpUri());
        assertThat(metrics.value("signaling_connections_refused_total{reason=\"unauthorized\"}")).isPositive();
    }

    @Test
    void aMalformedTokenIsRefusedWith401() {
        assertThat(refusedWith("not.a.jwt")).isEqualTo(401);
        assertThat(refusedWith("garbage")).isEqualTo(401);
    }

    @Test
    void aBadSignatureIsRefusedWith401() {
        String other = Tokens.hmac("another-secret-of-at-least-32-bytes!!", JWSAlgorithm.HS256, claims("a").build());
        assertThat(refusedWith(other)).isEqualTo(401);
        String good = token("a");
        String tampered = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5);
        assertThat(refusedWith(tampered)).isEqualTo(401);
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefusedWith401() {
        assertThat(refusedWith(Tokens.unsigned(claims("a").build()))).isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsRefusedWith401() {
        // Past the 30 s clock skew the server allows.
        Instant past = Instant.now().minus(Duration.ofMinutes(5));
        String expired = Tokens.hmac(SECRET, JWSAlgorithm.HS256, claims("a").expirationTime(Date.from(past)).build());
        assertThat(refusedWith(expired)).isEqualTo(401);
        String noExpiry = Tokens.hmac(SECRET, JWSAlgorithm.HS256, claims("a").expirationTime(null).build());
        assertThat(refusedWith(noExpiry)).isEqualTo(401);
    }

    @Test
    void aTokenNotYetValidIsRefusedWith401() {
        Instant future = Instant.now().plus(Duration.ofMinutes(2));
        String early = Tokens.hmac(SECRET, JWSAlgorithm.HS256, claims("a").notBeforeTime(Date.from(future)).build());
        assertThat(refusedWith(early)).isEqualTo(401);
    }

    @Test
    void aWrongIssuerOrAudienceIsRefusedWith401() {
        assertThat(refusedWith(Tokens.hmac(SECRET, JWSAlgorithm.HS256,
                claims("a").issuer("https://evil.test").build()))).isEqualTo(401);
        assertThat(refusedWith(Tokens.hmac(SECRET, JWSAlgorithm.HS256,
                claims("a").issuer(null).build()))).isEqualTo(401);
        assertThat(refusedWith(Tokens.hmac(SECRET, JWSAlgorithm.HS256,
                claims("a").audience("another-service").build()))).isEqualTo(401);
    }

    @Test
    void aWrongApiKeyIsRefusedWith401() {
        assertThat(refusedWith("clear-api-key-for-test")).isEqualTo(401);
        assertThat(refusedWith("sha256:" + sha256Hex(HASHED_API_KEY))).isEqualTo(401);
    }

    @Test
    void aValidTokenInTheQueryLetsTheSubjectRegisterItsOwnIdOnly() {
        String id = newId();
        try (PeerClient peer = peers.connect(server.uri(token(id)))) {
            List<String> replies = peer.exchange(Frames.register(newId())).stream().map(r -> r.getString("code", "")).toList();
            assertThat(replies).containsExactly("forbidden");
            assertThat(peer.isOpen()).isTrue();
            assertThat(peer.register(id).getJsonArray("peers").getString(0)).isEqualTo(id);
        }
    }

    @Test
    void aValidTokenInTheAuthorizationHeaderIsAcceptedToo() {
        String id = newId();
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.setHeader("Authorization", "Bearer " + token(id));
        try (PeerClient peer = peers.connect(server.uri(), request)) {
            assertThat(peer.register(id).getJsonArray("peers").getString(0)).isEqualTo(id);
        }
    }

    @Test
    void eachSocketIsBoundToItsOwnTokensSubject() {
        String a = newId();
        String b = newId();
        try (PeerClient alice = peers.connect(server.uri(token(a)));
             PeerClient bob = peers.connect(server.uri(token(b)))) {
            alice.send(Frames.register(b));
            alice.nextError("forbidden");
            bob.register(b);
            alice.register(a);
        }
    }

    @Test
    void everyHmacStrengthWorksWithTheSameSecret() {
        for (JWSAlgorithm algorithm : List.of(JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
            String id = newId();
            String token = Tokens.hmac(SECRET, algorithm, claims(id).build());
            try (PeerClient peer = peers.connect(server.uri(token))) {
                peer.register(id);
            }
        }
    }

    @Test
    void apiKeysInClearOrHashedLetAnyIdRegister() {
        try (PeerClient peer = peers.connect(server.uri(API_KEY))) {
            peer.register(newId());
            peer.register(newId());
        }
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.setHeader("Authorization", "Bearer " + HASHED_API_KEY);
        try (PeerClient peer = peers.connect(server.uri(), request)) {
            peer.register(newId());
        }
    }

    @Test
    void aTokenInRegisterMustBeValidEvenOnAnAuthenticatedSocket() {
        try (PeerClient peer = peers.connect(server.uri(API_KEY))) {
            peer.send(Frames.registerWithToken(newId(), "forged"));
            peer.nextError("unauthorized");
            assertThat(peer.awaitClose().code()).isEqualTo(1008);
        }
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
