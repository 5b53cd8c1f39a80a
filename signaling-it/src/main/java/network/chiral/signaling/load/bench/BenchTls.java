package network.chiral.signaling.load.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificate the benchmark's {@code wss://} servers present: an EC P-256 key and a
 * self-signed certificate for 127.0.0.1, made by the JDK's {@code keytool} (what certbot issues
 * by default is also P-256 ECDSA). The same key goes to every server: as a PKCS12 keystore to
 * this server and the floor relay, as PEM files to PeerJS; clients trust the certificate alone.
 *
 * @param keyStore PKCS12 keystore holding the key and certificate
 * @param password its password
 * @param certificate the certificate, PEM
 * @param privateKey the key, PEM (PKCS#8)
 */
record BenchTls(Path keyStore, String password, Path certificate, Path privateKey) {
    private static final String ALIAS = "bench";

    /** Makes a fresh key and certificate under {@code directory}. */
    static BenchTls create(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path keyStore = directory.resolve("bench.p12");
        Path certificate = directory.resolve("cert.pem");
        Path privateKey = directory.resolve("key.pem");
        Files.deleteIfExists(keyStore);
        String password = "bench-" + Long.toHexString(System.nanoTime());
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", password);
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            Certificate cert = store.getCertificate(ALIAS);
            PrivateKey key = (PrivateKey) store.getKey(ALIAS, password.toCharArray());
            Files.writeString(certificate, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(privateKey, pem("PRIVATE KEY", key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the keystore keytool made", e);
        }
        return new BenchTls(keyStore, password, certificate, privateKey);
    }

    /** A TLS context that trusts this certificate only. */
    SSLContext clientContext() throws IOException {
        try (InputStream in = Files.newInputStream(certificate)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry(ALIAS, java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + certificate, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool failed: " + output);
        }
    }
}
