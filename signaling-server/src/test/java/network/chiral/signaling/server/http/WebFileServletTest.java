package network.chiral.signaling.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.embedded.SignalingServer;

/**
 * The root URL as browsers and WebSocket clients see it, on the embedded server: the self-test
 * page and its files with their types and headers, the setting that turns them off, the upgrade
 * check, and the WebSocket endpoint at the same URL, unaffected.
 */
class WebFileServletTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The server with its defaults, shared by the cases that need no setting of their own. */
    private static SignalingServer defaults;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

    @BeforeAll
    static void startDefaults() throws Exception {
        defaults = start(Map.of());
    }

    @AfterAll
    static void stopDefaults() throws Exception {
        defaults.close();
    }

    private static SignalingServer start(Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(settings);
        all.put("SIGNALING_HOST", "127.0.0.1");
        all.put("PORT", "0");
        return SignalingServer.start(Settings.load(all::get));
    }

    private HttpResponse<String> get(SignalingServer server, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUri().resolve(path)).timeout(WAIT);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(SignalingServer server, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUri().resolve(path)).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theRootUrlServesThePageAsHtmlUnderAPolicyThatAllowsNoInlineScript() throws Exception {
        HttpResponse<String> page = get(defaults, "");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t ->
                assertThat(t.replace(" ", "").toLowerCase()).isEqualTo("text/html;charset=utf-8"));
        assertThat(page.headers().firstValue("content-security-policy")).hasValue(WebFileServlet.PAGE_POLICY);
        assertThat(WebFileServlet.PAGE_POLICY).contains("script-src 'self'").doesNotContain("unsafe");
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("referrer-policy")).hasValue("no-referrer");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(page.headers().firstValue("etag")).isPresent();
        Matcher scripts = Pattern.compile("<script([^>]*)>([^<]*)</script>").matcher(page.body());
        int count = 0;
        while (scripts.find()) {
            count++;
            assertThat(scripts.group(1)).as("every script is a file of its own").contains("src=");
            assertThat(scripts.group(2)).isBlank();
        }
        assertThat(count).isEqualTo(1);
        assertThat(page.body()).contains("src=\"self-test.js\"").doesNotContain("style=");
    }

    @Test
    void theScriptsAndTheStyleHaveTheirOwnContentTypesAndTheClientModuleMayBeImportedFromAnyOrigin() throws Exception {
        HttpResponse<String> client = get(defaults, "client.js");
        assertThat(client.statusCode()).isEqualTo(200);
        assertThat(client.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(client.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(client.body()).contains("export class SignalingClient");

        HttpResponse<String> script = get(defaults, "self-test.js");
        assertThat(script.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.headers().firstValue("access-control-allow-origin")).isEmpty();
        assertThat(script.body()).contains("from './client.js'");
        assertThat(get(defaults, "self-test.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
    }

    @Test
    void aBrowserThatHasTheFileAlreadyGets304() throws Exception {
        String etag = get(defaults, "client.js").headers().firstValue("etag").orElseThrow();
        HttpResponse<String> again = get(defaults, "client.js", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get(defaults, "client.js", "If-None-Match", "\"stale\"").statusCode()).isEqualTo(200);
    }

    @Test
    void turnedOffTheRootUrlAndThePagesFilesAre404ButTheClientModuleStays() throws Exception {
        try (SignalingServer server = start(Map.of("SIGNALING_SELF_TEST_PAGE", "false"))) {
            assertThat(get(server, "").statusCode()).isEqualTo(404);
            assertThat(get(server, "self-test.js").statusCode()).isEqualTo(404);
            assertThat(get(server, "self-test.css").statusCode()).isEqualTo(404);
            assertThat(post(server, "self-test/upgrade-check").statusCode()).isEqualTo(404);
            assertThat(get(server, "client.js").statusCode()).isEqualTo(200);
            assertRootStillUpgrades(server);
        }
    }

    @Test
    void aWebSocketUpgradeOfTheRootUrlStillReachesTheEndpoint() throws Exception {
        assertRootStillUpgrades(defaults);
    }

    /** The files are the same bytes whatever the configuration: the page shows only what /health does. */
    @Test
    void theFilesCarryNothingOfTheConfiguration() throws Exception {
        try (SignalingServer configured = start(Map.of("SIGNALING_TURN_SECRET", "a-turn-secret-0123456789",
                     "SIGNALING_TURN_URLS", "turn:turn.example.com:3478", "SIGNALING_AUTH_API_KEYS", "an-api-key-0123456789",
                     "SIGNALING_ALLOWED_ORIGINS", "https://app.example.com", "SIGNALING_NODE_ID", "node-a"))) {
            for (String path : WebFileServlet.MAPPINGS) {
                String file = path.isEmpty() ? "" : path.substring(1);
                assertThat(get(configured, file).body()).as(path).isEqualTo(get(defaults, file).body());
            }
        }
    }

    @Test
    void aHandshakeWhoseUpgradeHeaderAProxyDroppedGets400NamingTheProxy() throws Exception {
        HttpResponse<String> response = get(defaults, "", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version", "13");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("without its Upgrade header", "proxy");
    }

    @Test
    void theUpgradeCheckAnswersWhatAnUpgradeWithTheSameOriginWouldGet() throws Exception {
        try (SignalingServer server = start(Map.of("SIGNALING_ALLOWED_ORIGINS", "https://app.example.com"))) {
            HttpResponse<String> refused = post(server, "self-test/upgrade-check", "Origin", "https://elsewhere.example.com");
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(refused.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(refused.body()).isEqualTo("{\"admitted\":false,\"status\":403,\"reason\":\"origin not allowed\"}");

            assertThat(post(server, "self-test/upgrade-check", "Origin", "https://app.example.com").body())
                    .isEqualTo("{\"admitted\":true}");
            assertThat(get(server, "self-test/upgrade-check").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void theUpgradeCheckNamesAMissingCredential() throws Exception {
        try (SignalingServer server = start(Map.of("SIGNALING_AUTH_API_KEYS", "an-api-key-0123456789"))) {
            assertThat(post(server, "self-test/upgrade-check").body()).startsWith("{\"admitted\":false,\"status\":401,");
            assertThat(post(server, "self-test/upgrade-check", "Authorization", "Bearer an-api-key-0123456789").body())
                    .isEqualTo("{\"admitted\":true}");
        }
    }

    /** register on a socket to the root URL gets its peers reply. */
    private void assertRootStillUpgrades(SignalingServer server) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(server.uri(), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        return null;
                    }
                }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        socket.sendText("{\"type\":\"register\",\"clientId\":\"root-check\"}", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reply.get(WAIT.toSeconds(), TimeUnit.SECONDS)).startsWith("{\"type\":\"peers\"").contains("root-check");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
