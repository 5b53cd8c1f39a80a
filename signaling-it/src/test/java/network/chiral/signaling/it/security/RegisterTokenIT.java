package network.chiral.signaling.it.security;

import static network.chiral.signaling.it.fixture.PeerClient.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.nimbusds.jose.JWSAlgorithm;

import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;
import network.chiral.signaling.it.fixture.Tokens;

/**
 * With {@code SIGNALING_AUTH_REGISTER_TOKEN=true}, a socket may open without a credential and
 * authenticate with the {@code token} field of its {@code register}; until then it may send
 * nothing else, and a register without a valid token closes it with 1008.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegisterTokenIT {
    private static final String SECRET = "register-token-secret-0123456789abcdef";

    private final Peers peers = new Peers();
    private LocalServer server;

    @BeforeAll
    void start() throws Exception {
        peers.start();
        server = LocalServer.start(Map.of("SIGNALING_AUTH_JWT_SECRET", SECRET, "SIGNALING_AUTH_REGISTER_TOKEN", "true"));
    }

    @AfterAll
    void stop() throws Exception {
        peers.stop();
        server.close();
    }

    private PeerClient open() {
        return peers.connect(server.uri());
    }

    private static String token(String subject) {
        return Tokens.hmac(SECRET, JWSAlgorithm.HS256, Tokens.claims(subject).build());
    }

    @Test
    void aValidTokenInRegisterAuthenticatesAndBindsTheId() {
        String id = newId();
        try (PeerClient peer = open()) {
            peer.send(Frames.registerWithToken(id, token(id)));
            assertThat(peer.next("peers").getJsonArray("peers").getString(0)).isEqualTo(id);
            peer.send(Frames.register("someone-else"));
            peer.nextError("forbidden");
        }
    }

    @Test
    void aRegisterWithoutATokenGetsUnauthorizedAndIsClosedWith1008() {
        try (PeerClient peer = open()) {
            peer.send(Frames.register("anyone"));
            peer.nextError("unauthorized");
            assertThat(peer.awaitClose().code()).isEqualTo(1008);
        }
    }

    @Test
    void aRegisterWithAnInvalidTokenGetsUnauthorizedAndIsClosedWith1008() {
        try (PeerClient peer = open()) {
            peer.send(Frames.registerWithToken("anyone", Tokens.unsigned(Tokens.claims("anyone").build())));
            peer.nextError("unauthorized");
            assertThat(peer.awaitClose().code()).isEqualTo(1008);
        }
    }

    @Test
    void anythingButRegisterBeforeAuthenticatingIsClosedWith1008() {
        try (PeerClient peer = open()) {
            peer.send(Frames.ping(1));
            peer.nextError("unauthorized");
            assertThat(peer.awaitClose().code()).isEqualTo(1008);
        }
    }

    @Test
    void anInvalidCredentialAtTheUpgradeIsStillRefusedWith401() {
        assertThat(peers.refusedUpgrade(server.uri("bad.token.here")))
                .isEqualTo(401);
    }
}
