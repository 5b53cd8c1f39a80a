package network.chiral.signaling.server.web;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import network.chiral.signaling.server.Version;
import network.chiral.signaling.server.peer.Signaling;

/** {@code GET /health}: liveness, with a few figures an operator wants at a glance. */
final class HealthServlet extends HttpServlet {
    private final transient Signaling signaling;
    private final String version = Version.current();

    HealthServlet(Signaling signaling) {
        this.signaling = signaling;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long uptime = TimeUnit.MILLISECONDS.toSeconds(ManagementFactory.getRuntimeMXBean().getUptime());
        String body = Json.createObjectBuilder()
                .add("status", "ok")
                .add("version", version)
                .add("uptimeSeconds", uptime)
                .add("connections", signaling.connections())
                .add("peers", signaling.registered())
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
