package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /metrics}: every sample of the Prometheus text format by its series
 * ({@code name{label="value",...}} exactly as exposed), plus plain HTTP helpers for the tests.
 */
record Scrape(Map<String, Double> samples, Set<String> families) {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A status code and body. */
    record Response(int status, String body) {
    }

    static Response get(URI uri) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * A GET over a socket bound to {@code from} (any loopback address works on Linux), with
     * extra header lines; HTTP/1.0 so that the server closes when done.
     */
    static Response getFrom(InetAddress from, URI uri, String... headers) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(10_000);
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            StringBuilder request = new StringBuilder("GET " + uri.getRawPath() + " HTTP/1.0\r\nHost: "
                    + uri.getHost() + ":" + uri.getPort() + "\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String statusLine = raw.substring(0, raw.indexOf("\r\n"));
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            int bodyStart = raw.indexOf("\r\n\r\n");
            return new Response(status, bodyStart < 0 ? "" : raw.substring(bodyStart + 4));
        }
    }

    static Scrape of(URI httpRoot) {
        Response response = get(httpRoot.resolve("/metrics"));
        assertThat(response.status()).as("/metrics status; body: %s", response.body()).isEqualTo(200);
        return parse(response.body());
    }

    static Scrape parse(String exposition) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Set<String> families = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                families.add(line.split(" ")[2]);
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return new Scrape(samples, families);
    }

    /** The value of a series such as {@code signaling_errors_sent_total{code="internal"}}; 0 if absent. */
    double value(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    /** Whether the series is exposed at all. */
    boolean has(String series) {
        return samples.containsKey(series);
    }

    /**
     * The sample names exposed (without labels) and the metric family names of the
     * {@code # TYPE} lines (a histogram's family has no sample of its own name).
     */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.keySet().forEach(series -> names.add(series.replaceFirst("\\{.*", "")));
        names.addAll(families);
        return names;
    }

    /** How much a series grew since {@code before}. */
    double since(Scrape before, String series) {
        return value(series) - before.value(series);
    }
}
