package network.chiral.signaling.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import network.chiral.signaling.server.config.InvalidSettingException;
import network.chiral.signaling.server.config.Setting;
import network.chiral.signaling.server.config.Tls;

/**
 * The server's private key and certificate chain, read from PEM files or a PKCS12 keystore.
 * Every failure is an {@link InvalidSettingException} naming the setting and the file, so a
 * bad certificate stops the server at start with one line (exit 2).
 *
 * @param store    an in-memory keystore with one key entry
 * @param password the password of that entry and store
 */
record KeyMaterial(KeyStore store, String password) {
    private static final String ALIAS = "signaling";

    /** Reads the files named by {@code tls}. */
    static KeyMaterial load(Tls.Files tls) {
        if (tls instanceof Tls.Pem pem) {
            return fromPem(pem);
        }
        Tls.Pkcs12 pkcs12 = (Tls.Pkcs12) tls;
        return fromPkcs12(pkcs12);
    }

    private static KeyMaterial fromPem(Tls.Pem pem) {
        List<Certificate> chain = certificates(pem.certificateChain());
        PrivateKey key = privateKey(pem.privateKey());
        if (!signsFor(key, chain.get(0).getPublicKey())) {
            throw new InvalidSettingException(Setting.TLS_KEY_FILE.variable() + "=" + pem.privateKey()
                    + ": this key does not belong to the first certificate in " + pem.certificateChain());
        }
        try {
            String password = randomPassword();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password.toCharArray(), chain.toArray(Certificate[]::new));
            return new KeyMaterial(store, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an in-memory keystore", e);
        }
    }

    private static KeyMaterial fromPkcs12(Tls.Pkcs12 pkcs12) {
        Path file = pkcs12.keyStore();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, pkcs12.password().toCharArray());
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw InvalidSettingException.file(Setting.TLS_KEYSTORE_FILE, file, "holds no private key entry");
            }
            return new KeyMaterial(store, pkcs12.password());
        } catch (IOException e) {
            throw InvalidSettingException.file(Setting.TLS_KEYSTORE_FILE, file, e.getCause() instanceof java.security.UnrecoverableKeyException
                    ? "wrong password (" + Setting.TLS_KEYSTORE_PASSWORD.variable() + ")" : InvalidSettingException.unreadable(e));
        } catch (GeneralSecurityException e) {
            throw InvalidSettingException.file(Setting.TLS_KEYSTORE_FILE, file, "not a PKCS12 keystore (" + e.getMessage() + ")");
        }
    }

    private static List<Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (read.isEmpty()) {
                throw InvalidSettingException.file(Setting.TLS_CERT_FILE, file, "holds no PEM certificate");
            }
            return List.copyOf(read);
        } catch (IOException e) {
            throw InvalidSettingException.unreadable(Setting.TLS_CERT_FILE, file, e);
        } catch (GeneralSecurityException e) {
            throw InvalidSettingException.file(Setting.TLS_CERT_FILE, file, "not a PEM certificate chain (" + e.getMessage() + ")");
        }
    }

    private static PrivateKey privateKey(Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PrivateKeyInfo pkcs8) {
                    return converter.getPrivateKey(pkcs8);
                }
                if (item instanceof PEMKeyPair traditional) {
                    // Only the private half: an EC key written without its public point has none.
                    return converter.getPrivateKey(traditional.getPrivateKeyInfo());
                }
                if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw InvalidSettingException.file(Setting.TLS_KEY_FILE, file, "the key is encrypted; give an unencrypted key (as certbot writes)");
                }
                // Anything else (EC PARAMETERS blocks, certificates) is skipped.
            }
            throw InvalidSettingException.file(Setting.TLS_KEY_FILE, file, "holds no PEM private key");
        } catch (IOException e) {
            throw InvalidSettingException.unreadable(Setting.TLS_KEY_FILE, file, e);
        }
    }

    /** Whether {@code key} makes signatures that {@code certified} verifies: the pair belongs together. */
    private static boolean signsFor(PrivateKey key, PublicKey certified) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(certified.getAlgorithm())) {
            return algorithm == null;
        }
        try {
            byte[] probe = "signaling-server key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "KeyMaterial[(secret)]";
    }
}
