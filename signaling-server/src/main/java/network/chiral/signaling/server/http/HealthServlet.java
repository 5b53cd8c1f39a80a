package network.chiral.signaling.server.http;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import jakarta.json.Json;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import network.chiral.signaling.server.Version;

/** {@code GET /health}: liveness, with a few figures an operator wants at a glance. */
public final class HealthServlet extends HttpServlet {
    private final transient IntSupplier connections;
    private final transient IntSupplier peers;
    private final String version = Version.current();

    /**
     * @param connections open sockets
     * @param peers       registered ids
     */
    public HealthServlet(IntSupplier connections, IntSupplier peers) {
        this.connections = connections;
        this.peers = peers;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long uptime = TimeUnit.MILLISECONDS.toSeconds(ManagementFactory.getRuntimeMXBean().getUptime());
        String body = Json.createObjectBuilder()
                .add("status", "ok")
                .add("version", version)
                .add("uptimeSeconds", uptime)
                .add("connections", connections.getAsInt())
                .add("peers", peers.getAsInt())
                .build()
                .toString();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        try (Writer out = response.getWriter()) {
            out.write(body);
        }
    }
}
