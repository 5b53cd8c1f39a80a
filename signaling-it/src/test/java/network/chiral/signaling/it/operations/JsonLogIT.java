package network.chiral.signaling.it.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParsingException;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Scrape;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.ServerTarget;

/** {@code SIGNALING_LOG_FORMAT=json} on the real jar: every line a JSON object Cloud Logging understands. */
class JsonLogIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Set<String> SEVERITIES = Set.of("DEBUG", "INFO", "WARNING", "ERROR");

    @Test
    void everyLineIsOneJsonObjectWithSeverityAndTheConnectionContextAsFields() throws Exception {
        Map<String, String> environment = ServerTarget.suiteSettings(Map.of(
                "SIGNALING_LOG_FORMAT", "json",
                "SIGNALING_DRAIN_SECONDS", "600"));
        WebSocketClient client = new WebSocketClient();
        client.start();
        try (ServerProcess server = ServerProcess.start(environment)) {
            URI ws = URI.create("ws://127.0.0.1:" + server.port() + "/");
            URI http = URI.create("http://127.0.0.1:" + server.port() + "/");
            PeerClient brief = PeerClient.connect(client, ws);
            brief.register("json-brief");
            brief.close();
            brief.awaitClose();
            PeerClient staying = PeerClient.connect(client, ws);
            staying.register("json-staying");

            server.terminate();
            Await.until("/ready answers 503", WAIT, () -> Scrape.get(http.resolve("/ready")).status() == 503);
            Throwable refused = catchThrowable(() -> PeerClient.connect(client, ws));
            assertThat(refused).isNotNull();
            server.terminate();
            assertThat(staying.awaitClose().code()).isEqualTo(1001);
            assertThat(server.awaitExit(WAIT)).isZero();

            List<JsonObject> lines = new ArrayList<>();
            for (String line : server.output()) {
                try {
                    lines.add(Json.createReader(new StringReader(line)).readObject());
                } catch (JsonParsingException e) {
                    throw new AssertionError("not a JSON object: " + line, e);
                }
            }
            assertThat(lines).hasSizeGreaterThan(5);
            for (JsonObject line : lines) {
                assertThat(SEVERITIES).as("severity of %s", line).contains(line.getString("severity"));
                assertThat(Instant.parse(line.getString("timestamp"))).isNotNull();
                assertThat(line.getString("logger")).isNotBlank();
                assertThat(line.getString("message")).isNotBlank();
            }

            JsonObject opened = only(lines, "connection opened", l -> true);
            assertThat(opened.getString("severity")).isEqualTo("INFO");
            assertThat(opened.getString("remote")).isEqualTo("127.0.0.1");

            JsonObject closed = only(lines, "connection closed", l -> "json-brief".equals(l.getString("clientId", null)));
            assertThat(closed.getString("severity")).isEqualTo("INFO");
            assertThat(closed.getString("remote")).isEqualTo("127.0.0.1");
            assertThat(closed.getInt("closeCode")).isEqualTo(1000);
            assertThat(closed.getJsonNumber("durationMs").longValue()).isNotNegative();
            assertThat(closed).containsKey("closeReason");

            JsonObject drained = only(lines, "connection closed", l -> "json-staying".equals(l.getString("clientId", null)));
            assertThat(drained.getInt("closeCode")).isEqualTo(1001);
            assertThat(drained.getString("closeReason")).isEqualTo("server shutting down");

            JsonObject refusal = only(lines, "connection refused", l -> true);
            assertThat(refusal.getString("severity")).isEqualTo("WARNING");
            assertThat(refusal.getString("reason")).isEqualTo("draining");
            assertThat(refusal.getString("remote")).isEqualTo("127.0.0.1");
        } finally {
            client.stop();
        }
    }

    private static JsonObject only(List<JsonObject> lines, String message, java.util.function.Predicate<JsonObject> also) {
        List<JsonObject> matching = lines.stream()
                .filter(l -> l.getString("message").equals(message))
                .filter(also)
                .toList();
        assertThat(matching).as("lines '%s' in %s", message, lines).isNotEmpty();
        return matching.get(0);
    }
}
