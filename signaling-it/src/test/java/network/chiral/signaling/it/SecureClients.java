package network.chiral.signaling.it;

import java.net.InetSocketAddress;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** WebSocket clients for wss:// targets, trusting only the test CA. */
final class SecureClients {
    private SecureClients() {
    }

    /** A client (not started) that trusts only {@code ca}'s certificates and checks host names. */
    static WebSocketClient trusting(TestCertificates ca) {
        return trusting(ca, null);
    }

    /** The same, connecting from {@code localAddress} (any loopback address on Linux), if given. */
    static WebSocketClient trusting(TestCertificates ca, String localAddress) {
        return trusting(ca, localAddress, null);
    }

    /** A client (not started) that trusts only {@code ca} and presents {@code certificate} when asked for one. */
    static WebSocketClient presenting(TestCertificates ca, TestCertificates.Client certificate) {
        return trusting(ca, null, certificate);
    }

    private static WebSocketClient trusting(TestCertificates ca, String localAddress, TestCertificates.Client certificate) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        if (certificate != null) {
            tls.setKeyStore(certificate.keyStore());
            tls.setKeyStorePassword(certificate.password());
        }
        tls.setTrustStore(ca.trustStore());
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        if (localAddress != null) {
            connector.setBindAddress(new InetSocketAddress(localAddress, 0));
        }
        return new WebSocketClient(new HttpClient(new HttpClientTransportOverHTTP(connector)));
    }
}
