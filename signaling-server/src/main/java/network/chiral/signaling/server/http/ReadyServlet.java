package network.chiral.signaling.server.http;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import network.chiral.signaling.server.node.Readiness;

/**
 * {@code GET /ready}: 200 while this server should get new clients, 503 with the unmet
 * conditions (such as {@code accepting} while draining) otherwise. Load balancers check this;
 * {@code /health} stays the liveness check.
 */
public final class ReadyServlet extends HttpServlet {
    private final transient Readiness readiness;

    public ReadyServlet(Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<String> unmet = readiness.unmet();
        JsonArrayBuilder names = Json.createArrayBuilder();
        unmet.forEach(names::add);
        String body = Json.createObjectBuilder()
                .add("status", unmet.isEmpty() ? "ready" : "not ready")
                .add("unmet", names)
                .build()
                .toString();
        response.setStatus(unmet.isEmpty() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        try (Writer out = response.getWriter()) {
            out.write(body);
        }
    }
}
