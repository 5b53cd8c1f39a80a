package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A real headless Chromium (the system's package) driven over the DevTools protocol: it opens
 * a page and hands back what a script on it evaluates to. The browser runs with its background
 * networking off and a profile of its own under target/.
 */
public final class Chromium implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration START = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocketClient client;
    private final Page page;

    private Chromium(Process process, WebSocketClient client, Page page) {
        this.process = process;
        this.client = client;
        this.page = page;
    }

    /** The browser binary: Debian's chromium package. */
    static Path binary() {
        Path chromium = Path.of("/usr/bin/chromium");
        assertThat(Files.isExecutable(chromium)).as("chromium installed (apt-get install -y chromium; .ci/run does it)")
                .isTrue();
        return chromium;
    }

    /** Starts the browser with one blank page and connects to that page. */
    static Chromium start() throws Exception {
        Path profile = NativeTlsIT.workDirectory("chromium-profile");
        Process process = new ProcessBuilder(binary().toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--no-pings", "--disable-domain-reliability", "--disable-breakpad",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            CompletableFuture<String> browser = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line = err.readLine(); line != null; line = err.readLine()) {
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            browser.complete(m.group(1));
                        }
                    }
                } catch (IOException e) {
                    browser.completeExceptionally(e);
                }
                browser.completeExceptionally(new IOException("chromium closed its output without a DevTools address"));
            }, "chromium-stderr");
            reader.setDaemon(true);
            reader.start();
            URI devtools = URI.create(browser.get(START.toSeconds(), TimeUnit.SECONDS));
            URI list = URI.create("http://127.0.0.1:" + devtools.getPort() + "/json/list");
            String targets = HttpClient.newHttpClient().send(HttpRequest.newBuilder(list).timeout(PeerClient.WAIT).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String pageSocket = Json.createReader(new StringReader(targets)).readArray().stream()
                    .map(JsonValue::asJsonObject)
                    .filter(t -> t.getString("type").equals("page"))
                    .map(t -> t.getString("webSocketDebuggerUrl"))
                    .findFirst().orElseThrow(() -> new AssertionError("no page target in " + targets));
            WebSocketClient client = new WebSocketClient();
            client.setMaxTextMessageSize(64L * 1024 * 1024);
            client.start();
            Page page = new Page();
            client.connect(page, URI.create(pageSocket)).get(PeerClient.WAIT.toSeconds(), TimeUnit.SECONDS);
            return new Chromium(process, client, page);
        } catch (Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Opens {@code url} in the page and waits until its load event. */
    void navigate(URI url) throws Exception {
        page.call("Page.enable", Json.createObjectBuilder().build(), PeerClient.WAIT);
        CompletableFuture<JsonObject> loaded = page.await("Page.loadEventFired");
        page.call("Page.navigate", Json.createObjectBuilder().add("url", url.toString()).build(), PeerClient.WAIT);
        loaded.get(PeerClient.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Evaluates {@code expression} in the page, awaiting it if it is a promise, and returns its value as a string. */
    String evaluate(String expression, Duration timeout) throws Exception {
        JsonObject result = page.call("Runtime.evaluate", Json.createObjectBuilder()
                .add("expression", expression).add("awaitPromise", true).add("returnByValue", true).build(), timeout);
        JsonObject value = result.getJsonObject("result");
        if (result.containsKey("exceptionDetails")) {
            fail("the page's script failed: " + result.getJsonObject("exceptionDetails"));
        }
        return value.getString("value");
    }

    @Override
    public void close() throws Exception {
        try {
            client.stop();
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The DevTools connection to one page: numbered calls and their answers, and events. */
    /** Public, as the WebSocket client's listener must be. */
    public static final class Page implements Session.Listener.AutoDemanding {
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonObject>> calls = new ConcurrentHashMap<>();
        private final Map<String, CompletableFuture<JsonObject>> events = new ConcurrentHashMap<>();
        private volatile Session session;

        @Override
        public void onWebSocketOpen(Session opened) {
            this.session = opened;
        }

        @Override
        public void onWebSocketText(String text) {
            JsonObject message = Json.createReader(new StringReader(text)).readObject();
            if (message.containsKey("id")) {
                CompletableFuture<JsonObject> call = calls.remove(message.getInt("id"));
                if (call != null) {
                    if (message.containsKey("error")) {
                        call.completeExceptionally(new AssertionError("DevTools error: " + message.getJsonObject("error")));
                    } else {
                        call.complete(message.getJsonObject("result"));
                    }
                }
            } else if (message.containsKey("method")) {
                CompletableFuture<JsonObject> waiting = events.remove(message.getString("method"));
                if (waiting != null) {
                    waiting.complete(message);
                }
            }
        }

        CompletableFuture<JsonObject> await(String event) {
            CompletableFuture<JsonObject> future = new CompletableFuture<>();
            events.put(event, future);
            return future;
        }

        JsonObject call(String method, JsonObject params, Duration timeout) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonObject> answer = new CompletableFuture<>();
            calls.put(id, answer);
            String request = Json.createObjectBuilder().add("id", id).add("method", method).add("params", params).build().toString();
            Callback.Completable sent = new Callback.Completable();
            session.sendText(request, sent);
            sent.get(PeerClient.WAIT.toSeconds(), TimeUnit.SECONDS);
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
