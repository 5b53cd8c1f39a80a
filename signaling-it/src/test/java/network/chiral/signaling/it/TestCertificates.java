package network.chiral.signaling.it;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority made at test time, and server certificates it signs for
 * {@code localhost} and {@code 127.0.0.1}, written the way certbot writes them (fullchain.pem,
 * privkey.pem). Clients built here trust this CA and nothing else.
 */
final class TestCertificates {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** Which kind of key, and in which PEM form, a server certificate gets. */
    enum KeyForm {
        /** {@code BEGIN PRIVATE KEY}, as certbot writes. */
        EC_PKCS8,
        /** {@code BEGIN EC PRIVATE KEY}. */
        EC_TRADITIONAL,
        /** {@code BEGIN RSA PRIVATE KEY}. */
        RSA_TRADITIONAL,
        /** RSA in {@code BEGIN PRIVATE KEY}. */
        RSA_PKCS8
    }

    /** A server certificate as files, plus its serial number for telling renewals apart. */
    record Issued(Path fullChain, Path privateKey, BigInteger serial, X509Certificate certificate, KeyPair keys) {
    }

    private final KeyPair caKeys;
    private final X509Certificate ca;

    private TestCertificates(KeyPair caKeys, X509Certificate ca) {
        this.caKeys = caKeys;
        this.ca = ca;
    }

    /** A new CA. */
    static TestCertificates newAuthority() {
        try {
            KeyPair keys = ec();
            X500Name name = new X500Name("CN=Signaling Test CA " + SERIALS.incrementAndGet());
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIALS.incrementAndGet()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestCertificates(keys, sign(builder, keys));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Issues a server certificate for localhost/127.0.0.1 and writes it into {@code directory}. */
    Issued issue(Path directory, KeyForm form) {
        try {
            Files.createDirectories(directory);
            KeyPair keys = switch (form) {
                case EC_PKCS8, EC_TRADITIONAL -> ec();
                case RSA_TRADITIONAL, RSA_PKCS8 -> rsa();
            };
            BigInteger serial = BigInteger.valueOf(SERIALS.incrementAndGet());
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial,
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                    new X500Name("CN=localhost"), keys.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate certificate = sign(builder, caKeys);
            Path fullChain = directory.resolve("fullchain.pem");
            Path privateKey = directory.resolve("privkey.pem");
            Files.writeString(fullChain, pem(certificate) + pem(ca));
            Files.writeString(privateKey, switch (form) {
                case EC_PKCS8, RSA_PKCS8 -> pem(new JcaPKCS8Generator(keys.getPrivate(), null));
                case EC_TRADITIONAL -> pem(sec1(keys));
                case RSA_TRADITIONAL -> pem(keys.getPrivate());
            });
            return new Issued(fullChain, privateKey, serial, certificate, keys);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key as OpenSSL writes {@code BEGIN EC PRIVATE KEY}: SEC 1, with the curve and the public point. */
    private static org.bouncycastle.util.io.pem.PemObject sec1(KeyPair keys) throws IOException {
        java.security.interfaces.ECPrivateKey key = (java.security.interfaces.ECPrivateKey) keys.getPrivate();
        org.bouncycastle.asn1.sec.ECPrivateKey structure = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(),
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData(),
                new org.bouncycastle.asn1.x9.X962Parameters(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1));
        return new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", structure.getEncoded());
    }

    /** A keystore holding only this CA, for clients. */
    KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SSL context that trusts only this CA. */
    SSLContext clientContext() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP client that trusts only this CA. */
    HttpClient httpClient() {
        return HttpClient.newBuilder().sslContext(clientContext()).connectTimeout(PeerClient.WAIT).build();
    }

    X509Certificate certificate() {
        return ca;
    }

    /** Writes this CA's certificate as PEM, as a client that is told to trust it reads it. */
    Path writeAuthority(Path file) {
        try {
            return Files.writeString(file, pem(ca));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }

    private static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
