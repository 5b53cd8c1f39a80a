package network.chiral.signaling.server.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import network.chiral.signaling.server.config.Operations;

/**
 * {@code GET /metrics}: the Prometheus text exposition, served only to clients whose address is
 * in {@code SIGNALING_METRICS_ALLOW} (loopback by default); anyone else gets 403. A request
 * that came through a proxy ({@code Forwarded} or {@code X-Forwarded-For}) is refused too: its
 * socket address is the proxy's, so it says nothing about who is asking.
 */
public final class MetricsServlet extends HttpServlet {
    private final transient PrometheusRegistry registry;
    private final transient Operations operations;
    private final transient PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * @param registry   what to expose
     * @param operations who may read it
     */
    public MetricsServlet(PrometheusRegistry registry, Operations operations) {
        this.registry = registry;
        this.operations = operations;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!allowed(request)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN,
                    "/metrics is served only to the addresses in SIGNALING_METRICS_ALLOW");
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(writer.getContentType());
        response.setHeader("Cache-Control", "no-store");
        try (OutputStream out = response.getOutputStream()) {
            writer.write(out, registry.scrape());
        }
    }

    private boolean allowed(HttpServletRequest request) {
        if (request.getHeader("Forwarded") != null || request.getHeader("X-Forwarded-For") != null) {
            return false;
        }
        try {
            // getRemoteAddr is a literal address, so this never looks anything up.
            return operations.metricsAllowed(InetAddress.getByName(request.getRemoteAddr()));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
