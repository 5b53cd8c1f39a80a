package network.chiral.signaling.server.tls;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import network.chiral.signaling.server.config.InvalidSettingException;
import network.chiral.signaling.server.config.Tls;

/** A Jetty connector serving {@code https://} and {@code wss://} from the configured certificate. */
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
        KeyMaterial material = KeyMaterial.load(tls);
        SslContextFactory.Server context = new SslContextFactory.Server();
        context.setKeyStore(material.store());
        context.setKeyStorePassword(material.password());
        context.setKeyManagerPassword(material.password());
        context.setIncludeProtocols(PROTOCOLS);

        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(jetty,
                new SslConnectionFactory(context, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
        jetty.addBean(new RenewalWatch(tls, context));
        return connector;
    }
}
