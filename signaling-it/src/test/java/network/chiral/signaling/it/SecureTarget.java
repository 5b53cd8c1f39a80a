package network.chiral.signaling.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;

import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A target reached over wss:// and https:// with clients that trust only the test CA.
 *
 * @param webSocketUri the wss:// URI of the endpoint
 * @param ca           the CA that issued the server's certificate
 * @param resources    what to close, in order, when the target is done with
 * @param proxies      how many proxies stand between the clients and the server
 */
record SecureTarget(URI webSocketUri, TestCertificates ca, List<AutoCloseable> resources, int proxies)
        implements ServerTarget {

    @Override
    public WebSocketClient webSocketClient() {
        return SecureClients.trusting(ca);
    }

    @Override
    public HttpClient httpClient() {
        return ca.httpClient();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }
}
