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
import java.security.cert.X509CRL;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
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
 * privkey.pem); client certificates (good ones and each kind a server must refuse) and CRLs.
 * Clients built here trust this CA and nothing else.
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

    /**
     * What a client certificate looks like: the knobs the refusal cases turn. The defaults make
     * a good one: valid from an hour ago for a day, key usage digitalSignature, extended key
     * usage clientAuth.
     *
     * @param subject     the subject name, such as {@code CN=alice}
     * @param notBefore   start of validity
     * @param notAfter    end of validity
     * @param purpose     the extended key usage
     * @param keyUsage    the key usage bits ({@link KeyUsage} constants)
     * @param alternative subject alternative names
     */
    record ClientSpec(String subject, Instant notBefore, Instant notAfter, KeyPurposeId purpose, int keyUsage,
                      List<GeneralName> alternative) {
        static ClientSpec of(String commonName) {
            Instant now = Instant.now();
            return new ClientSpec("CN=" + commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)),
                    KeyPurposeId.id_kp_clientAuth, KeyUsage.digitalSignature, List.of());
        }

        ClientSpec valid(Instant from, Instant to) {
            return new ClientSpec(subject, from, to, purpose, keyUsage, alternative);
        }

        ClientSpec purpose(KeyPurposeId other) {
            return new ClientSpec(subject, notBefore, notAfter, other, keyUsage, alternative);
        }

        ClientSpec keyUsage(int bits) {
            return new ClientSpec(subject, notBefore, notAfter, purpose, bits, alternative);
        }
    }

    /**
     * A client certificate and its key, as a keystore for Java clients and as PEM files for
     * openssl, curl or a browser import.
     */
    record Client(X509Certificate certificate, KeyPair keys, KeyStore keyStore, String password, Path certificateFile,
                  Path keyFile) {
        BigInteger serial() {
            return certificate.getSerialNumber();
        }
    }

    /** Issues a good client certificate for {@code CN=commonName} under {@code directory}. */
    Client issueClient(Path directory, String commonName) {
        return issueClient(directory, ClientSpec.of(commonName));
    }

    /** Issues a client certificate as {@code spec} says, written under {@code directory}. */
    Client issueClient(Path directory, ClientSpec spec) {
        try {
            Files.createDirectories(directory);
            KeyPair keys = ec();
            BigInteger serial = BigInteger.valueOf(SERIALS.incrementAndGet());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial, Date.from(spec.notBefore()),
                    Date.from(spec.notAfter()), new X500Name(spec.subject()), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(spec.keyUsage()))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(spec.purpose()));
            if (!spec.alternative().isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(spec.alternative().toArray(GeneralName[]::new)));
            }
            X509Certificate certificate = sign(builder, caKeys);
            String password = "client-" + serial;
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", keys.getPrivate(), password.toCharArray(),
                    new java.security.cert.Certificate[] {certificate, ca});
            String name = "client-" + serial;
            Path certificateFile = Files.writeString(directory.resolve(name + ".pem"), pem(certificate));
            Path keyFile = Files.writeString(directory.resolve(name + ".key"),
                    pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
            return new Client(certificate, keys, store, password, certificateFile, keyFile);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes this CA's CRL revoking {@code revoked} (none: an empty CRL) to {@code file}, in PEM,
     * current from a minute ago for a day.
     */
    Path writeCrl(Path file, BigInteger... revoked) {
        try {
            Instant now = Instant.now();
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca, Date.from(now.minus(Duration.ofMinutes(1))))
                    .setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
            for (BigInteger serial : revoked) {
                builder.addCRLEntry(serial, Date.from(now.minus(Duration.ofMinutes(1))), CRLReason.keyCompromise);
            }
            X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, pem(crl));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This CA's certificate in PEM. */
    String authorityPem() {
        return pem(ca);
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
