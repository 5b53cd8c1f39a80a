package network.chiral.signaling.server.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Client certificates (mutual TLS) as a way to authenticate: a socket whose certificate was
 * verified is let in like one with a valid token, and may register only the id its certificate
 * names. The certificate is verified by whoever ends the TLS connection: the executable jar's
 * native TLS (against {@code authorities} and {@code revocations}), a reverse proxy listed in
 * {@code SIGNALING_TRUSTED_PROXIES}, or the servlet container running the WAR.
 *
 * @param mode        whether certificates are asked for, and whether a socket needs one
 * @param id          which name of the certificate becomes the only id the socket may register
 * @param authorities native TLS: PEM bundle of the certificate authorities that issue client certificates
 * @param revocations native TLS: CRL file from those authorities; empty when revocation is not checked
 */
public record ClientCertificates(Mode mode, IdSource id, Optional<Path> authorities, Optional<Path> revocations) {

    /** Client certificates switched off, as by default. */
    public static final ClientCertificates OFF =
            new ClientCertificates(Mode.NONE, IdSource.CN, Optional.empty(), Optional.empty());

    /** {@code SIGNALING_TLS_CLIENT_AUTH}. */
    public enum Mode {
        /** Certificates are neither asked for nor looked at. */
        NONE,
        /** A verified certificate authenticates; a socket without one may use the other credentials. */
        WANT,
        /** No socket without a verified certificate: native TLS refuses the handshake, otherwise 401. */
        NEED
    }

    /** {@code SIGNALING_TLS_CLIENT_ID}: where the id a certificate binds its socket to comes from. */
    public enum IdSource {
        /** The subject's common name (exactly one CN). */
        CN,
        /** The first DNS name among the subject alternative names. */
        SAN_DNS,
        /** The first e-mail address (rfc822Name) among the subject alternative names. */
        SAN_EMAIL,
        /** The first URI among the subject alternative names. */
        SAN_URI,
        /** Not bound: the socket may register any id. */
        NONE;

        /** The setting's spelling: {@code cn}, {@code san-dns}, ... */
        public String spelling() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Whether certificates authenticate at all. */
    public boolean enabled() {
        return mode != Mode.NONE;
    }

    static ClientCertificates read(SettingReader read) {
        Mode mode = choice(read, Setting.TLS_CLIENT_AUTH, Mode.class, "none, want or need");
        IdSource id = choice(read, Setting.TLS_CLIENT_ID, IdSource.class, "cn, san-dns, san-email, san-uri or none");
        Optional<Path> authorities = AuthSettings.optional(read.text(Setting.TLS_CLIENT_CA_FILE)).map(Path::of);
        Optional<Path> revocations = AuthSettings.optional(read.text(Setting.TLS_CLIENT_CRL_FILE)).map(Path::of);
        if (authorities.isPresent() && mode == Mode.NONE) {
            throw new InvalidSettingException(Setting.TLS_CLIENT_CA_FILE.variable() + " is set but "
                    + Setting.TLS_CLIENT_AUTH.variable() + " is none: set it to want or need, or unset the file");
        }
        if (revocations.isPresent() && authorities.isEmpty()) {
            throw new InvalidSettingException(Setting.TLS_CLIENT_CRL_FILE.variable() + " is set but "
                    + Setting.TLS_CLIENT_CA_FILE.variable() + " is not: a CRL belongs to the CAs it is checked with");
        }
        return new ClientCertificates(mode, id, authorities, revocations);
    }

    private static <E extends Enum<E>> E choice(SettingReader read, Setting setting, Class<E> type, String expected) {
        String value = read.text(setting);
        String constant = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(constant)) {
                return e;
            }
        }
        throw new InvalidSettingException(setting, value, expected);
    }
}
