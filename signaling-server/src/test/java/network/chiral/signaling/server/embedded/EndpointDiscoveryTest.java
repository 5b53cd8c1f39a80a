package network.chiral.signaling.server.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.server.ServerEndpointConfig;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.JakartaWebSocketServerContainer;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.endpoint.SocketEndpoint;

/**
 * The embedded server discovers its annotated endpoint once, at start, and every socket's frame
 * handler is made from that one discovery, with its decoder shared by all sockets; over real
 * sockets.
 */
class EndpointDiscoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final List<Client> clients = new ArrayList<>();
    private SignalingServer server;

    @AfterEach
    void stop() throws Exception {
        for (Client client : clients) {
            client.socket.abort();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everySocketIsServedFromTheDiscoveryMadeAtStart() throws Exception {
        server = start();
        long before = server.discovery().served();

        for (String id : List.of("disc-a", "disc-b", "disc-c")) {
            Client client = connect();
            client.send("{\"type\":\"register\",\"clientId\":\"" + id + "\"}");
            assertThat(client.next()).startsWith("{\"type\":\"peers\",\"peers\":[\"" + id + "\"");
        }

        assertThat(server.discovery().served() - before).isEqualTo(3);
        assertThat(server.discovery().getMetadata(SocketEndpoint.class, null))
                .isSameAs(server.discovery().getMetadata(SocketEndpoint.class, null));
    }

    @Test
    void theSharedDecoderGoesOnDecodingForOtherSocketsAfterOneCloses() throws Exception {
        server = start();
        Client leaving = connect();
        Client sender = connect();
        Client receiver = connect();
        for (var entry : Map.of(leaving, "disc-leaving", sender, "disc-sender", receiver, "disc-receiver").entrySet()) {
            entry.getKey().send("{\"type\":\"register\",\"clientId\":\"" + entry.getValue() + "\"}");
            assertThat(entry.getKey().next()).contains("\"type\":\"peers\"");
        }

        leaving.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(leaving.closed.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        sender.send("{\"type\":\"offer\",\"to\":\"disc-receiver\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}");

        assertThat(receiver.nextOfType("offer")).contains("\"from\":\"disc-sender\"").contains("\"sdp\":\"v=0\"");
        sender.send("{\"type\":\"offer\",\"to\":");
        assertThat(sender.nextOfType("error")).contains("\"code\":\"invalid-message\"");
    }

    @Test
    void takingOverAPathWithoutTheContainersMappingFailsAtOnce() throws Exception {
        Server jetty = new Server(0);
        ServletContextHandler context = new ServletContextHandler("/");
        JakartaWebSocketServletContainerInitializer.configure(context, null);
        jetty.setHandler(context);
        jetty.start();
        try {
            ServerEndpointConfig unmapped = ServerEndpointConfig.Builder.create(SocketEndpoint.class, "/nowhere").build();
            JakartaWebSocketServerContainer container =
                    JakartaWebSocketServerContainer.getContainer(context.getServletContext());

            assertThatThrownBy(() -> EndpointDiscovery.install(context, container, unmapped))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("/nowhere");
        } finally {
            jetty.stop();
        }
    }

    private static SignalingServer start() throws Exception {
        Map<String, String> all = new HashMap<>();
        all.put("SIGNALING_HOST", "127.0.0.1");
        all.put("PORT", "0");
        return SignalingServer.start(Settings.load(all::get));
    }

    private Client connect() throws Exception {
        Client client = new Client();
        client.socket = http.newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(server.uri(), client).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        clients.add(client);
        return client;
    }

    /** A socket's frames as they arrive, whole. */
    private static final class Client implements WebSocket.Listener {
        private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        void send(String frame) throws Exception {
            socket.sendText(frame, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        String next() throws InterruptedException {
            String frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(frame).as("a frame within %s", WAIT).isNotNull();
            return frame;
        }

        /** The next frame of this type, skipping others (peer-list pushes, for one). */
        String nextOfType(String type) throws InterruptedException {
            long end = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < end) {
                String frame = frames.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (frame != null && frame.startsWith("{\"type\":\"" + type + "\"")) {
                    return frame;
                }
            }
            throw new AssertionError("no " + type + " frame within " + WAIT);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.add(statusCode);
            return null;
        }
    }
}
