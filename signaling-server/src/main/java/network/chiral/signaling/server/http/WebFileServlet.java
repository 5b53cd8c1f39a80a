package network.chiral.signaling.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server sends browsers: the self-test page at the root URL with its script and style,
 * and the JavaScript client module at {@code /client.js}, each a {@link WebFile} read once at
 * start. WebSocket upgrades of the root URL never get here: the container's upgrade filter
 * takes them first, so the page and the signaling endpoint share one URL.
 *
 * <p>Every file is sent with its exact {@code Content-Type}, {@code nosniff}, and
 * {@code Cache-Control: no-cache} with an {@code ETag}: a browser revalidates on each load and
 * gets a 304, so a server upgrade never leaves it with a page and a client module of different
 * versions. The page gets a Content-Security-Policy that allows only this origin's own script,
 * style and connections (it has no inline script), and no referrer, since its URL may carry a
 * token.
 *
 * <p>A GET of the root URL carrying a WebSocket handshake's {@code Sec-WebSocket-Key} without
 * an {@code Upgrade} header is what arrives when a proxy in front does not forward the upgrade:
 * it gets 400 with a reason that says so (logged at most once a minute), not the page.
 */
public final class WebFileServlet extends HttpServlet {
    /** The servlet paths this servlet is mapped to; {@code ""} is the root URL alone. */
    public static final List<String> MAPPINGS = List.of("", "/client.js", "/self-test.js", "/self-test.css");
    /** Policy of the self-test page: nothing but its own origin, and no inline code. */
    public static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final String STRIPPED_UPGRADE = "this request carries a WebSocket handshake without its Upgrade header: "
            + "a proxy in front of the server does not forward Upgrade and Connection";

    private static final Logger LOG = LoggerFactory.getLogger(WebFileServlet.class);
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();
    private static final String JAVASCRIPT = "text/javascript; charset=utf-8";

    private final transient Map<String, WebFile> files;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    private WebFileServlet(Map<String, WebFile> files) {
        this.files = Map.copyOf(files);
    }

    /**
     * The client module always; the self-test page, its script and its style only when
     * {@code selfTestPage} ({@code SIGNALING_SELF_TEST_PAGE}) is on. Off, the root URL is 404 as
     * any other unknown path.
     */
    public static WebFileServlet create(boolean selfTestPage) {
        Map<String, WebFile> files = new HashMap<>();
        // Web apps on other origins may import the module straight from the server.
        files.put("/client.js", WebFile.load("client.js", JAVASCRIPT,
                Map.of("Access-Control-Allow-Origin", "*", "Cross-Origin-Resource-Policy", "cross-origin")));
        if (selfTestPage) {
            files.put("", WebFile.load("self-test.html", "text/html; charset=utf-8", Map.of(
                    "Content-Security-Policy", PAGE_POLICY,
                    "Referrer-Policy", "no-referrer",
                    "X-Frame-Options", "DENY")));
            files.put("/self-test.js", WebFile.load("self-test.js", JAVASCRIPT, Map.of()));
            files.put("/self-test.css", WebFile.load("self-test.css", "text/css; charset=utf-8", Map.of()));
        }
        return new WebFileServlet(files);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath();
        if (path.isEmpty() && request.getHeader("Sec-WebSocket-Key") != null) {
            strippedUpgrade(request, response);
            return;
        }
        WebFile file = files.get(path);
        if (file == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setHeader("ETag", file.etag());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        file.headers().forEach(response::setHeader);
        String known = request.getHeader("If-None-Match");
        if (known != null && (known.contains(file.etag()) || known.trim().equals("*"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(file.contentType());
        response.setContentLength(file.body().length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(file.body());
        }
    }

    private void strippedUpgrade(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.atWarn().addKeyValue("remote", request.getRemoteAddr())
                    .log(STRIPPED_UPGRADE + " (see docs/nginx/signaling.conf); logged at most once a minute");
        }
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        try (Writer out = response.getWriter()) {
            out.write(STRIPPED_UPGRADE);
            out.write('\n');
        }
    }
}
