package network.chiral.signaling.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Native TLS for the executable jar: off, PEM files (as certbot writes them), or a PKCS12
 * keystore. A servlet container does its own TLS; the WAR ignores these settings.
 */
public sealed interface Tls {

    /** Plain {@code ws://} and {@code http://}. */
    record Off() implements Tls {
    }

    /** TLS from files that are re-read when they change. */
    sealed interface Files extends Tls {
        /** How often the files are checked for a renewal. */
        Duration reloadInterval();
    }

    /**
     * @param certificateChain PEM certificates, the server's first (fullchain.pem)
     * @param privateKey       PEM private key: PKCS#8, or traditional RSA or EC (privkey.pem)
     * @param reloadInterval   how often the files are checked for a renewal
     */
    record Pem(Path certificateChain, Path privateKey, Duration reloadInterval) implements Files {
    }

    /**
     * @param keyStore       PKCS12 file with one private key entry and its chain
     * @param password       the keystore's password (secret: never shown)
     * @param reloadInterval how often the file is checked for a renewal
     */
    record Pkcs12(Path keyStore, String password, Duration reloadInterval) implements Files {
        @Override
        public String toString() {
            return "Pkcs12[keyStore=" + keyStore + ", password=(secret), reloadInterval=" + reloadInterval + "]";
        }
    }
}
