package network.chiral.signaling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.it.fixture.Chromium;
import network.chiral.signaling.it.fixture.ServerProcess;

/**
 * A real browser's connection set-up through the executable jar with its default limits: a
 * headless Chromium runs src/test/resources/browser/setup.html, which sets up WebRTC data
 * channels the way the Chiral client does (register on open, an offer or answer per peer
 * connection, every ICE candidate trickled as its own message, app pings every 20 s) between
 * one app and {@value #PEERS} others at once. Every data channel must open through the server,
 * no socket may get an {@code error}, and the busiest socket's traffic is measured against the
 * limits: the smallest bucket that would have let it through at the default rate must be at
 * most half the default burst. The figures go to the log ("browser set-up"), and the margins
 * in docs/security.md come from them.
 */
class BrowserSetupIT {
    /** Peer connections the first app starts at once. */
    static final int PEERS = 8;

    @Test
    void aBrowsersSetUpThroughTheServerNeverMeetsTheDefaultLimits() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1"));
             Chromium browser = Chromium.start()) {
            URI page = URI.create(getClass().getResource("/browser/setup.html").toURI() + "?server=ws://127.0.0.1:"
                    + server.port() + "/&peers=" + PEERS);
            browser.navigate(page);
            JsonObject report = Json.createReader(new StringReader(browser.evaluate("window.run", Duration.ofSeconds(60))))
                    .readObject();

            assertThat(report.get("channelsOpenAt")).as("every data channel opened: %s", report)
                    .isNotEqualTo(JsonValue.NULL);
            assertThat(report.getJsonArray("channelsOpenAt")).hasSize(2 * PEERS);
            int busiest = 0;
            double smallestBucket = 0;
            int peakSecond = 0;
            for (JsonValue value : report.getJsonArray("sockets")) {
                JsonObject socket = value.asJsonObject();
                assertThat(socket.getJsonArray("errors")).as("errors %s got", socket.getString("name")).isEmpty();
                assertThat(socket.get("closed")).as("%s stayed open", socket.getString("name")).isEqualTo(JsonValue.NULL);
                List<Double> sent = new ArrayList<>();
                socket.getJsonArray("sent").forEach(s -> sent.add(s.asJsonObject().getJsonNumber("t").doubleValue()));
                busiest = Math.max(busiest, sent.size());
                smallestBucket = Math.max(smallestBucket, smallestBucket(sent, DefaultLimitsIT.RATE));
                peakSecond = Math.max(peakSecond, peakInWindow(sent, 1000));
            }
            List<Integer> candidates = report.getJsonArray("candidatesPerConnection").stream()
                    .map(v -> ((jakarta.json.JsonNumber) v).intValue()).toList();
            LoggerFactory.getLogger(getClass()).info("browser set-up: {}; {} peer connections at once, candidates per "
                            + "connection {} ({}); busiest socket sent {} frames, at most {} in any second; smallest bucket "
                            + "that lets it through at {}/s: {} (default burst {}: margin {}x); channels open after {} ms",
                    report.getString("userAgent"), PEERS, candidates, report.getJsonArray("candidateTypes"), busiest,
                    peakSecond, DefaultLimitsIT.RATE, String.format("%.1f", smallestBucket), DefaultLimitsIT.BURST,
                    String.format("%.1f", DefaultLimitsIT.BURST / smallestBucket),
                    report.getJsonArray("channelsOpenAt").stream()
                            .mapToDouble(v -> ((jakarta.json.JsonNumber) v).doubleValue()).max().orElse(0));
            assertThat(smallestBucket).as("bucket the busiest socket needs at the default rate")
                    .isLessThanOrEqualTo(DefaultLimitsIT.BURST / 2.0);
        }
    }

    /**
     * The smallest token bucket, refilled at {@code perSecond}, that never runs dry for sends at
     * these times (milliseconds, ascending): the most that any stretch of them exceeds what the
     * rate alone allows over it.
     */
    static double smallestBucket(List<Double> times, int perSecond) {
        double need = 0;
        for (int i = 0; i < times.size(); i++) {
            for (int j = i; j < times.size(); j++) {
                need = Math.max(need, (j - i + 1) - perSecond * (times.get(j) - times.get(i)) / 1000.0);
            }
        }
        return need;
    }

    /** The most sends within any {@code windowMillis}. */
    static int peakInWindow(List<Double> times, double windowMillis) {
        int peak = 0;
        for (int i = 0, j = 0; j < times.size(); j++) {
            while (times.get(j) - times.get(i) >= windowMillis) {
                i++;
            }
            peak = Math.max(peak, j - i + 1);
        }
        return peak;
    }
}
