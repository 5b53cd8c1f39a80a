package network.chiral.signaling.it.security;

import static network.chiral.signaling.it.fixture.PeerClient.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;

import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Peers;
import network.chiral.signaling.it.fixture.Tokens;

/**
 * Tokens verified with a public key from a PEM file: RSA for one server, EC for another. Only
 * that key's algorithms pass; the classic confusion (an HS256 token whose HMAC key is the
 * public key everyone can read) does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublicKeyAuthIT {
    private final Peers peers = new Peers();
    private KeyPair rsa;
    private KeyPair ec;
    private String rsaPem;
    private LocalServer rsaServer;
    private LocalServer ecServer;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        peers.start();
        rsa = Tokens.rsa();
        ec = Tokens.ec();
        rsaPem = Tokens.pem(rsa.getPublic());
        Path rsaFile = Files.writeString(dir.resolve("rsa.pem"), rsaPem);
        Path ecFile = Files.writeString(dir.resolve("ec.pem"), Tokens.pem(ec.getPublic()));
        rsaServer = LocalServer.start(Map.of("SIGNALING_AUTH_JWT_PUBLIC_KEY_FILE", rsaFile.toString()));
        ecServer = LocalServer.start(Map.of("SIGNALING_AUTH_JWT_PUBLIC_KEY_FILE", ecFile.toString()));
    }

    @AfterAll
    void stop() throws Exception {
        peers.stop();
        rsaServer.close();
        ecServer.close();
    }

    @Test
    void rsaSignedTokensAreAccepted() {
        for (JWSAlgorithm algorithm : new JWSAlgorithm[] {JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.RS512}) {
            String id = newId();
            String token = Tokens.sign(new RSASSASigner(rsa.getPrivate()), new JWSHeader(algorithm), Tokens.claims(id).build());
            try (PeerClient peer = peers.connect(rsaServer.uri(token))) {
                peer.register(id);
            }
        }
    }

    @Test
    void anHs256TokenKeyedWithThePublicKeyIsRefused() {
        // The attack: take the public PEM, use it as an HMAC secret, say alg HS256.
        String forged = Tokens.hmac(rsaPem.getBytes(StandardCharsets.US_ASCII), JWSAlgorithm.HS256,
                Tokens.claims("admin").build());
        assertThat(peers.refusedUpgrade(rsaServer.uri(forged))).isEqualTo(401);
        byte[] der = rsa.getPublic().getEncoded();
        String forgedDer = Tokens.hmac(der, JWSAlgorithm.HS256, Tokens.claims("admin").build());
        assertThat(peers.refusedUpgrade(rsaServer.uri(forgedDer))).isEqualTo(401);
    }

    @Test
    void aTokenSignedByAnotherKeyOrUnsignedIsRefused() throws Exception {
        KeyPair other = Tokens.rsa();
        String token = Tokens.sign(new RSASSASigner(other.getPrivate()), new JWSHeader(JWSAlgorithm.RS256),
                Tokens.claims("a").build());
        assertThat(peers.refusedUpgrade(rsaServer.uri(token))).isEqualTo(401);
        assertThat(peers.refusedUpgrade(rsaServer.uri(Tokens.unsigned(Tokens.claims("a").build())))).isEqualTo(401);
    }

    @Test
    void ecKeysAcceptTheirCurvesAlgorithmOnly() throws Exception {
        String id = newId();
        String es256 = Tokens.sign(new ECDSASigner((ECPrivateKey) ec.getPrivate()), new JWSHeader(JWSAlgorithm.ES256),
                Tokens.claims(id).build());
        try (PeerClient peer = peers.connect(ecServer.uri(es256))) {
            peer.register(id);
        }
        // An RSA token and an HMAC token keyed with the EC public key both fail on the EC server.
        String rs256 = Tokens.sign(new RSASSASigner(rsa.getPrivate()), new JWSHeader(JWSAlgorithm.RS256),
                Tokens.claims(id).build());
        assertThat(peers.refusedUpgrade(ecServer.uri(rs256))).isEqualTo(401);
        String hs = Tokens.hmac(Tokens.pem(ec.getPublic()).getBytes(StandardCharsets.US_ASCII), JWSAlgorithm.HS256,
                Tokens.claims(id).build());
        assertThat(peers.refusedUpgrade(ecServer.uri(hs))).isEqualTo(401);
    }
}
