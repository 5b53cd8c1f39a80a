package network.chiral.signaling.server.door;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The client certificate a reverse proxy that ended TLS verified and passed on in headers, as
 * nginx does with {@code proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert} and
 * {@code X-SSL-Client-Verify $ssl_client_verify} (see docs/nginx/signaling-client-certificates.conf).
 * Read only from a proxy listed in {@code SIGNALING_TRUSTED_PROXIES}; from anyone else the
 * headers are ignored, so a client cannot name its own certificate.
 */
public final class ForwardedCertificate {
    /** The certificate, as nginx's {@code $ssl_client_escaped_cert}: PEM, URL-encoded. */
    public static final String CERTIFICATE_HEADER = "X-SSL-Client-Cert";
    /** The proxy's verification result, as nginx's {@code $ssl_client_verify}: {@code SUCCESS} when verified. */
    public static final String VERIFY_HEADER = "X-SSL-Client-Verify";
    /** Longest header value looked at: a certificate with a long chain of names is a few kilobytes. */
    static final int MAX_CHARS = 32 * 1024;

    private ForwardedCertificate() {
    }

    /**
     * The certificate in the headers, if the proxy says it verified it.
     *
     * @param escapedPem the {@value #CERTIFICATE_HEADER} header, or {@code null}
     * @param verify     the {@value #VERIFY_HEADER} header, or {@code null}
     * @return empty when either is missing, the proxy did not verify it ({@code NONE},
     *         {@code FAILED:...}), or the value is not one PEM certificate
     */
    public static Optional<X509Certificate> from(String escapedPem, String verify) {
        if (escapedPem == null || escapedPem.isBlank() || escapedPem.length() > MAX_CHARS || !"SUCCESS".equals(verify)) {
            return Optional.empty();
        }
        try {
            // Percent-decoding only: base64's '+' is a plus, not a space.
            String pem = URLDecoder.decode(escapedPem.replace("+", "%2B"), StandardCharsets.US_ASCII);
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        } catch (CertificateException | IllegalArgumentException | ClassCastException e) {
            return Optional.empty();
        }
    }
}
