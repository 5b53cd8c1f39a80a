package network.chiral.signaling.server.door;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.server.auth.Identity;
import network.chiral.signaling.server.node.TestNode;

/**
 * What the upgrade decides for a client certificate its TLS end verified, under each
 * {@code SIGNALING_TLS_CLIENT_AUTH} and {@code SIGNALING_TLS_CLIENT_ID}; and the headers a
 * trusted proxy forwards it in.
 */
class DoorCertificatesTest {
    private TestNode node;

    private Door door(String... pairs) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        node = TestNode.of(settings, System::nanoTime);
        return node.door();
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private static X509Certificate certificate(String subject, GeneralName... alternativeNames) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=Test CA"), BigInteger.TEN,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofHours(1))), new X500Name(subject),
                keys.getPublic());
        if (alternativeNames.length > 0) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    private static Optional<String> status(Optional<Door.Turned> turned) {
        return turned.map(t -> t.status() + " " + t.reason());
    }

    @Test
    void underNeedAVerifiedCertificateBindsItsCnAndNothingElseOpens() throws Exception {
        Door door = door("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_AUTH_API_KEYS", "the-key");
        X509Certificate alice = certificate("CN=alice,O=Chiral");
        assertThat(door.acceptsCertificates()).isTrue();
        assertThat(door.admit(null, "192.0.2.1", null, alice)).isEmpty();
        assertThat(door.identify(null, alice)).isEqualTo(new Identity(Optional.of("alice")));
        assertThat(status(door.admit(null, "192.0.2.1", null, null))).hasValue("401 a client certificate is required");
        assertThat(status(door.admit(null, "192.0.2.1", "the-key", null))).hasValue("401 a client certificate is required");
        assertThat(status(door.admit(null, "192.0.2.1", "wrong-key", alice))).hasValue("401 invalid API key");
    }

    @Test
    void underWantASocketWithoutACertificateFallsBackToTheOtherCredentials() throws Exception {
        Door door = door("SIGNALING_TLS_CLIENT_AUTH", "want", "SIGNALING_AUTH_API_KEYS", "the-key");
        assertThat(door.admit(null, "192.0.2.1", "the-key", null)).isEmpty();
        assertThat(door.identify("the-key", null)).isEqualTo(Identity.ANYONE);
        assertThat(status(door.admit(null, "192.0.2.1", null, null)))
                .hasValue("401 a client certificate or a token is required");
        X509Certificate alice = certificate("CN=alice");
        // The certificate decides the identity even beside a valid key.
        assertThat(door.identify("the-key", alice)).isEqualTo(new Identity(Optional.of("alice")));
    }

    @Test
    void certificatesAloneTurnAuthenticationOn() throws Exception {
        Door door = door("SIGNALING_TLS_CLIENT_AUTH", "want");
        assertThat(status(door.admit(null, "192.0.2.1", null, null))).hasValue("401 a client certificate is required");
        assertThat(status(door.admit(null, "192.0.2.1", "some-token", null)))
                .hasValue("401 tokens are not accepted: present a client certificate");
        assertThat(door.admit(null, "192.0.2.1", null, certificate("CN=bob"))).isEmpty();
    }

    @Test
    void theIdComesFromTheConfiguredName() throws Exception {
        X509Certificate named = certificate("CN=device-17", new GeneralName(GeneralName.dNSName, "alice.example.com"),
                new GeneralName(GeneralName.rfc822Name, "alice@example.com"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://example.com/alice"));
        assertThat(door("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_ID", "san-dns").identify(null, named))
                .isEqualTo(new Identity(Optional.of("alice.example.com")));
        close();
        assertThat(door("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_ID", "san-email").identify(null, named))
                .isEqualTo(new Identity(Optional.of("alice@example.com")));
        close();
        assertThat(door("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_ID", "san-uri").identify(null, named))
                .isEqualTo(new Identity(Optional.of("spiffe://example.com/alice")));
        close();
        assertThat(door("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_ID", "none").identify(null, named))
                .isEqualTo(Identity.ANYONE);
    }

    @Test
    void aCertificateWithoutTheNameToBindIsRefused() throws Exception {
        Door door = door("SIGNALING_TLS_CLIENT_AUTH", "need");
        assertThat(status(door.admit(null, "192.0.2.1", null, certificate("O=Chiral,OU=devices"))))
                .hasValue("401 the client certificate has no subject CN to take the id from");
        assertThat(status(door.admit(null, "192.0.2.1", null, certificate("CN=a,CN=b"))))
                .hasValue("401 the client certificate has more than one subject CN");
        close();
        Door bySan = door("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_ID", "san-dns");
        assertThat(status(bySan.admit(null, "192.0.2.1", null, certificate("CN=alice"))))
                .hasValue("401 the client certificate has no DNS name among its subject alternative names to take the id from");
    }

    @Test
    void withClientCertificatesOffACertificateIsIgnored() throws Exception {
        Door door = door();
        assertThat(door.acceptsCertificates()).isFalse();
        assertThat(door.identify(null, certificate("CN=alice"))).isEqualTo(Identity.ANYONE);
    }

    @Test
    void aForwardedCertificateCountsOnlyWhenTheProxyVerifiedIt() throws Exception {
        X509Certificate alice = certificate("CN=alice");
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(alice);
        }
        // nginx's $ssl_client_escaped_cert: the PEM, URL-encoded (spaces as %20, pluses as %2B).
        String escaped = URLEncoder.encode(pem.toString(), StandardCharsets.US_ASCII).replace("+", "%20");
        assertThat(ForwardedCertificate.from(escaped, "SUCCESS")).hasValue(alice);
        assertThat(ForwardedCertificate.from(escaped, "NONE")).isEmpty();
        assertThat(ForwardedCertificate.from(escaped, "FAILED:certificate has expired")).isEmpty();
        assertThat(ForwardedCertificate.from(escaped, null)).isEmpty();
        assertThat(ForwardedCertificate.from("not a certificate", "SUCCESS")).isEmpty();
        assertThat(ForwardedCertificate.from("", "SUCCESS")).isEmpty();
        assertThat(ForwardedCertificate.from("a".repeat(40_000), "SUCCESS")).isEmpty();
    }
}
