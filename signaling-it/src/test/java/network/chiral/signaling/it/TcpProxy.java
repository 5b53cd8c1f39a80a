package network.chiral.signaling.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on loopback that the test controls, to make a connection half-open the way a
 * network change does: {@link #abandon} closes the client's side while the server's side stays
 * open and silent, so the server still holds a socket whose peer is gone.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Link> links = new CopyOnWriteArrayList<>();

    private TcpProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    /** Listens on a free loopback port and forwards every connection to {@code target}. */
    static TcpProxy to(InetSocketAddress target) throws IOException {
        TcpProxy proxy = new TcpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target);
        Thread acceptor = new Thread(proxy::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                Link link = new Link(client, server);
                links.add(link);
                link.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * Every connection through the proxy goes half-open: the client's side is closed (the
     * client sees its connection die), the server's side stays open but nothing crosses it any
     * more in either direction.
     */
    void abandon() throws IOException {
        for (Link link : links) {
            link.abandon();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Link link : links) {
            link.close();
        }
    }

    /** One client connection and its server connection, copied both ways by two threads. */
    private static final class Link {
        private final Socket client;
        private final Socket server;
        private volatile boolean abandoned;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            pump(client, server, "tcp-proxy-up");
            pump(server, client, "tcp-proxy-down");
        }

        private void pump(Socket from, Socket to, String name) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                // Not try-with-resources: closing a stream closes its socket, and an abandoned
                // link's server side must stay open.
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    for (int n = in.read(buffer); n >= 0 && !abandoned; n = in.read(buffer)) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // The other side went, or the link was abandoned.
                }
                if (!abandoned) {
                    close();
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        void abandon() throws IOException {
            abandoned = true;
            // Closing the client's side only; the server's socket is left open and unread.
            client.close();
        }

        void close() {
            try {
                client.close();
                if (!abandoned) {
                    server.close();
                }
            } catch (IOException e) {
                // Closing anyway.
            }
        }
    }
}
