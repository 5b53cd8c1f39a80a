package network.chiral.signaling.server.tls;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.TrustManager;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import network.chiral.signaling.server.config.ClientCertificates;
import network.chiral.signaling.server.config.InvalidSettingException;
import network.chiral.signaling.server.config.Tls;

/**
 * A Jetty connector serving {@code https://} and {@code wss://} from the configured certificate,
 * asking for client certificates when {@code SIGNALING_TLS_CLIENT_AUTH} is want or need.
 */
public final class SecureConnector {
    /** TLS 1.2 and 1.3 only; older versions are refused at the handshake. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private SecureConnector() {
    }

    /**
     * Reads the certificate files now and builds a TLS connector on {@code jetty}, which also
     * takes on the renewal watch as a managed bean.
     *
     * @throws InvalidSettingException naming the setting and file if a file is missing,
     *                                 unreadable, or not a usable certificate and key
     */
    public static ServerConnector create(Server jetty, HttpConfiguration http, Tls.Files tls) {
        return create(jetty, http, tls, ClientCertificates.OFF);
    }

    /**
     * The same, verifying client certificates as {@code clients} says: {@code need} refuses a
     * handshake without a valid one, {@code want} asks for one and lets a client without one
     * in. A certificate that is presented and fails verification (unknown CA, expired or not
     * yet valid, not for client authentication, revoked) fails the handshake in both modes.
     *
     * @throws InvalidSettingException naming the setting and file if a file is missing,
     *                                 unreadable, or not usable
     */
    public static ServerConnector create(Server jetty, HttpConfiguration http, Tls.Files tls, ClientCertificates clients) {
        KeyMaterial material = KeyMaterial.load(tls);
        ClientTrust trust = clients.enabled() ? ClientTrust.load(clients) : null;
        Context context = new Context(trust);
        context.setKeyStore(material.store());
        context.setKeyStorePassword(material.password());
        context.setKeyManagerPassword(material.password());
        context.setIncludeProtocols(PROTOCOLS);
        context.setNeedClientAuth(clients.mode() == ClientCertificates.Mode.NEED);
        context.setWantClientAuth(clients.mode() == ClientCertificates.Mode.WANT);

        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(jetty,
                new SslConnectionFactory(context, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
        List<Path> files = new ArrayList<>(tls instanceof Tls.Pem pem
                ? List.of(pem.certificateChain(), pem.privateKey())
                : List.of(((Tls.Pkcs12) tls).keyStore()));
        if (trust != null) {
            files.addAll(trust.files());
        }
        jetty.addBean(new RenewalWatch(tls.reloadInterval(), files, () -> {
            KeyMaterial renewed = KeyMaterial.load(tls);
            ClientTrust reread = clients.enabled() ? ClientTrust.load(clients) : null;
            context.reload(f -> {
                f.setKeyStore(renewed.store());
                f.setKeyStorePassword(renewed.password());
                f.setKeyManagerPassword(renewed.password());
                context.trust = reread;
            });
        }));
        return connector;
    }

    /** Jetty's TLS context, with the client trust managers built by {@link ClientTrust} instead of its own. */
    private static final class Context extends SslContextFactory.Server {
        private volatile ClientTrust trust;

        Context(ClientTrust trust) {
            this.trust = trust;
        }

        @Override
        protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls) throws Exception {
            ClientTrust current = trust;
            return current == null ? super.getTrustManagers(trustStore, crls) : current.managers();
        }
    }
}
