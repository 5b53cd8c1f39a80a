package network.chiral.signaling.server.auth;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

import network.chiral.signaling.server.config.ClientCertificates.IdSource;

/**
 * The id a verified client certificate names ({@code SIGNALING_TLS_CLIENT_ID}): its subject's
 * common name, or its first subject alternative name of one type. The certificate has already
 * been verified (by native TLS, a trusted proxy or the servlet container); this only reads it.
 * JDK only, so that the WAR needs no further library.
 */
final class CertificateNames {
    /** {@link X509Certificate#getSubjectAlternativeNames()} type numbers (RFC 5280 GeneralName). */
    private static final int RFC822_NAME = 1;
    private static final int DNS_NAME = 2;
    private static final int URI = 6;

    private CertificateNames() {
    }

    /** What {@code certificate} grants under {@code source}: the id it binds its socket to, or why it cannot. */
    static Verdict verdict(X509Certificate certificate, IdSource source) {
        return switch (source) {
            case NONE -> new Verdict.Accepted(Optional.empty());
            case CN -> commonName(certificate);
            case SAN_DNS -> alternativeName(certificate, DNS_NAME, "DNS name");
            case SAN_EMAIL -> alternativeName(certificate, RFC822_NAME, "e-mail address");
            case SAN_URI -> alternativeName(certificate, URI, "URI");
        };
    }

    private static Verdict commonName(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            LdapName subject = new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
            for (Rdn rdn : subject.getRdns()) {
                Attribute cn = rdn.toAttributes().get("cn");
                if (cn != null && cn.get() instanceof String value) {
                    names.add(value);
                } else if (cn != null) {
                    return new Verdict.Rejected("the client certificate's subject CN is not a string");
                }
            }
        } catch (NamingException e) {
            return new Verdict.Rejected("the client certificate's subject cannot be read");
        }
        if (names.isEmpty()) {
            return new Verdict.Rejected("the client certificate has no subject CN to take the id from");
        }
        if (names.size() > 1) {
            return new Verdict.Rejected("the client certificate has more than one subject CN");
        }
        return new Verdict.Accepted(Optional.of(names.get(0)));
    }

    private static Verdict alternativeName(X509Certificate certificate, int type, String what) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return new Verdict.Rejected("the client certificate's subject alternative names cannot be read");
        }
        if (names != null) {
            for (List<?> name : names) {
                if (name.size() >= 2 && name.get(0) instanceof Integer t && t == type && name.get(1) instanceof String value) {
                    return new Verdict.Accepted(Optional.of(value));
                }
            }
        }
        return new Verdict.Rejected("the client certificate has no " + what + " among its subject alternative names to take the id from");
    }
}
