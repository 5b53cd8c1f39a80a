package network.chiral.signaling.it.security;

import static network.chiral.signaling.it.fixture.PeerClient.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;
import network.chiral.signaling.it.fixture.Tokens;

/**
 * Tokens verified against a JWK set served over HTTP by a small local server that plays the
 * identity provider: keys are fetched, cached, and a rotation is picked up when a token names
 * a key id the cached set does not have.
 */
class JwksIT {
    private final Peers peers = new Peers();
    private HttpServer provider;
    private volatile String published;
    private final AtomicInteger fetches = new AtomicInteger();
    private LocalServer server;

    @BeforeEach
    void start() throws Exception {
        peers.start();
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException e) {
                // The client went away; nothing to do.
            }
        });
        provider.start();
    }

    @AfterEach
    void stop() throws Exception {
        peers.stop();
        if (server != null) {
            server.close();
        }
        provider.stop(0);
    }

    private String jwksUrl() {
        return "http://127.0.0.1:" + provider.getAddress().getPort() + "/jwks.json";
    }

    private static RSAKey publicJwk(KeyPair pair, String kid) {
        return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).keyID(kid).build();
    }

    private static String token(KeyPair pair, String kid, String subject) {
        return Tokens.sign(new RSASSASigner(pair.getPrivate()),
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), Tokens.claims(subject).build());
    }

    /** The provider publishes {@code key} as its only key, id k1; the server verifies against it. */
    private void startPublishing(KeyPair key) throws Exception {
        published = new JWKSet(publicJwk(key, "k1")).toString();
        server = LocalServer.start(Map.of("SIGNALING_AUTH_JWKS_URL", jwksUrl()));
    }

    private boolean accepted(String token, String id) {
        try (PeerClient peer = peers.connect(server.uri(token))) {
            peer.register(id);
            return true;
        } catch (AssertionError refused) {
            return false;
        }
    }

    @Test
    void keysAreFetchedCachedAndRotated() throws Exception {
        KeyPair first = Tokens.rsa();
        KeyPair second = Tokens.rsa();
        startPublishing(first);

        String id = newId();
        assertThat(accepted(token(first, "k1", id), id)).isTrue();
        int afterFirst = fetches.get();
        assertThat(afterFirst).isPositive();
        assertThat(accepted(token(first, "k1", id), id)).isTrue();
        assertThat(fetches.get()).as("a cached set serves known key ids").isEqualTo(afterFirst);

        // The provider rotates: k2 signs from now on, k1 is withdrawn.
        published = new JWKSet(publicJwk(second, "k2")).toString();
        String rotated = token(second, "k2", id);
        // An unknown kid triggers a refetch, rate-limited to one every couple of seconds.
        Await.until("a token signed with the rotated key is accepted", Duration.ofSeconds(20),
                () -> accepted(rotated, id));
        assertThat(fetches.get()).isGreaterThan(afterFirst);
    }

    @Test
    void aTokenFromAKeyNotInTheSetIsRefused() throws Exception {
        KeyPair known = Tokens.rsa();
        KeyPair stranger = Tokens.rsa();
        startPublishing(known);

        assertThat(peers.refusedUpgrade(server.uri(token(stranger, "k1", "a"))))
                .as("right kid, wrong key").isEqualTo(401);
        assertThat(peers.refusedUpgrade(server.uri(token(stranger, "k9", "a"))))
                .as("unknown kid").isEqualTo(401);
        String hs = Tokens.hmac(publicJwk(known, "k1").toJSONString().getBytes(StandardCharsets.UTF_8),
                JWSAlgorithm.HS256, Tokens.claims("a").build());
        assertThat(peers.refusedUpgrade(server.uri(hs)))
                .as("HMAC keyed with the public JWK").isEqualTo(401);
    }
}
