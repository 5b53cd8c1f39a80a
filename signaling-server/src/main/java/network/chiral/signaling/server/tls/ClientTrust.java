package network.chiral.signaling.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.server.config.ClientCertificates;
import network.chiral.signaling.server.config.InvalidSettingException;
import network.chiral.signaling.server.config.Setting;

/**
 * What native TLS checks a client certificate against: the CAs of
 * {@code SIGNALING_TLS_CLIENT_CA_FILE} as trust anchors and, when
 * {@code SIGNALING_TLS_CLIENT_CRL_FILE} is set, their CRLs. The check itself is the JDK's PKIX
 * trust manager: the chain must lead to one of the CAs, every certificate must be within its
 * validity period, the client's must allow TLS client authentication (key usage
 * digitalSignature, extended key usage clientAuth, where present) and, with a CRL file, none
 * may be revoked. Revocation is checked from the file alone, never over the network; a
 * certificate whose issuer has no current CRL in the file is refused, as nginx refuses it.
 * Every failure to read the files is an {@link InvalidSettingException} naming setting and file.
 *
 * @param managers the trust managers for the server's TLS context
 * @param files    the files read, for the renewal watch
 */
record ClientTrust(TrustManager[] managers, List<Path> files) {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTrust.class);

    /** Reads the CA bundle and the CRL file named by {@code settings}. */
    static ClientTrust load(ClientCertificates settings) {
        Path caFile = settings.authorities().orElseThrow();
        List<X509Certificate> authorities = authorities(caFile);
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate ca : authorities) {
            anchors.add(new TrustAnchor(ca, null));
        }
        List<Path> files = new ArrayList<>(List.of(caFile));
        try {
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
            parameters.setRevocationEnabled(settings.revocations().isPresent());
            if (settings.revocations().isPresent()) {
                Path crlFile = settings.revocations().get();
                files.add(crlFile);
                List<X509CRL> crls = revocations(crlFile, authorities);
                parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
                PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
                // The CRLs in the file, and nothing fetched: no OCSP, no distribution points.
                checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                        PKIXRevocationChecker.Option.NO_FALLBACK));
                parameters.addCertPathChecker(checker);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(new CertPathTrustManagerParameters(parameters));
            return new ClientTrust(factory.getTrustManagers(), List.copyOf(files));
        } catch (GeneralSecurityException e) {
            throw new InvalidSettingException(Setting.TLS_CLIENT_CA_FILE.variable() + "=" + caFile
                    + ": cannot be used to verify client certificates (" + e.getMessage() + ")");
        }
    }

    private static List<X509Certificate> authorities(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (read.isEmpty()) {
                throw InvalidSettingException.file(Setting.TLS_CLIENT_CA_FILE, file, "holds no PEM certificate");
            }
            List<X509Certificate> authorities = new ArrayList<>();
            for (Certificate certificate : read) {
                X509Certificate ca = (X509Certificate) certificate;
                if (ca.getBasicConstraints() < 0) {
                    throw InvalidSettingException.file(Setting.TLS_CLIENT_CA_FILE, file, ca.getSubjectX500Principal().getName()
                            + " is not a CA certificate (no basicConstraints CA:TRUE); list the CAs that issue client certificates");
                }
                authorities.add(ca);
            }
            return authorities;
        } catch (IOException e) {
            throw InvalidSettingException.unreadable(Setting.TLS_CLIENT_CA_FILE, file, e);
        } catch (GeneralSecurityException e) {
            throw InvalidSettingException.file(Setting.TLS_CLIENT_CA_FILE, file, "not a PEM certificate bundle (" + e.getMessage() + ")");
        }
    }

    private static List<X509CRL> revocations(Path file, List<X509Certificate> authorities) {
        Collection<? extends java.security.cert.CRL> read;
        try (InputStream in = Files.newInputStream(file)) {
            read = CertificateFactory.getInstance("X.509").generateCRLs(in);
        } catch (IOException e) {
            throw InvalidSettingException.unreadable(Setting.TLS_CLIENT_CRL_FILE, file, e);
        } catch (GeneralSecurityException e) {
            throw InvalidSettingException.file(Setting.TLS_CLIENT_CRL_FILE, file, "not a CRL in PEM or DER (" + e.getMessage() + ")");
        }
        if (read.isEmpty()) {
            throw InvalidSettingException.file(Setting.TLS_CLIENT_CRL_FILE, file, "holds no CRL");
        }
        List<X509CRL> crls = new ArrayList<>();
        Date now = Date.from(Instant.now());
        for (java.security.cert.CRL crl : read) {
            X509CRL x509 = (X509CRL) crl;
            if (authorities.stream().noneMatch(ca -> signs(ca, x509))) {
                throw InvalidSettingException.file(Setting.TLS_CLIENT_CRL_FILE, file, "the CRL of " + x509.getIssuerX500Principal().getName()
                        + " is not signed by any CA in " + Setting.TLS_CLIENT_CA_FILE.variable());
            }
            if (x509.getNextUpdate() != null && x509.getNextUpdate().before(now)) {
                LOG.atWarn().addKeyValue("file", file).addKeyValue("issuer", x509.getIssuerX500Principal().getName())
                        .addKeyValue("nextUpdate", x509.getNextUpdate().toInstant())
                        .log("client certificate CRL is out of date: every certificate of its CA is refused until a current CRL replaces it");
            }
            crls.add(x509);
        }
        return crls;
    }

    private static boolean signs(X509Certificate ca, X509CRL crl) {
        if (!ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
            return false;
        }
        try {
            crl.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
