package network.chiral.signaling.server.door;

import java.security.Principal;
import java.security.cert.X509Certificate;

/**
 * A client certificate that the upgrade gate found verified (by native TLS, a trusted proxy or
 * the servlet container), carried from the gate to the WebSocket handshake as the request's
 * user principal: the one thing both Jetty and Tomcat hand from the filter chain's request to
 * {@code modifyHandshake}. A client cannot make one: it exists only as a Java object the gate
 * creates.
 *
 * @param certificate the verified certificate (the end entity, not its chain)
 */
public record VerifiedCertificate(X509Certificate certificate) implements Principal {

    @Override
    public String getName() {
        return certificate.getSubjectX500Principal().getName();
    }
}
