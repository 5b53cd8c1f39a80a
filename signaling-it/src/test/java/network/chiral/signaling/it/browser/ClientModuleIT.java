package network.chiral.signaling.it.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import com.nimbusds.jose.JWSAlgorithm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Chromium;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.Tokens;

/**
 * The JavaScript client module ({@code /client.js}) in a real browser against the real jar:
 * each server {@code error} and close reaches the application as a typed event with its code,
 * the client reconnects when the close allows it and stays closed when it does not, and it
 * hands back the resume token a {@code peers} reply offers (against a stand-in socket, since the
 * server offers none yet). The module is imported by the page the server serves at its root.
 */
class ClientModuleIT {
    private static final String JWT_SECRET = "client-module-test-secret-0123456789abcdef";
    private static final Duration EVALUATE = Duration.ofSeconds(30);

    private static ServerProcess plain;
    private static ServerProcess authenticated;
    private static Chromium browser;

    @BeforeAll
    static void start() throws Exception {
        plain = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1", "SIGNALING_MAX_MESSAGE_BYTES", "1024"));
        authenticated = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                "SIGNALING_AUTH_JWT_SECRET", JWT_SECRET, "SIGNALING_AUTH_REGISTER_TOKEN", "true"));
        browser = Chromium.start(List.of());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable each : new AutoCloseable[] {browser, plain, authenticated}) {
            if (each != null) {
                each.close();
            }
        }
    }

    /**
     * Runs {@code body} (statements ending in {@code return <value>}) with the module's exports in
     * scope, in the page {@code server} serves at its root: the page's policy lets it connect to
     * its own origin only.
     */
    private static JsonObject inPage(ServerProcess server, String body) throws Exception {
        browser.navigate(URI.create("http://127.0.0.1:" + server.port() + "/"));
        String script = "(async () => {\n"
                + "const { SignalingClient, SignalingErrorEvent, SignalingCloseEvent, CloseCode, ErrorCode } ="
                + " await import(new URL('client.js', location.href));\n"
                + "const once = (target, type) => new Promise((resolve) => target.addEventListener(type, resolve, { once: true }));\n"
                + body + "\n})().then((value) => JSON.stringify(value))";
        return Json.createReader(new StringReader(browser.evaluate(script, EVALUATE))).readObject();
    }

    private static String socket(ServerProcess server) {
        return "'ws://127.0.0.1:" + server.port() + "/'";
    }

    @Test
    void aServerErrorBecomesATypedErrorEventWithItsCode() throws Exception {
        JsonObject event = inPage(plain, """
                const client = new SignalingClient(%s, { clientId: 'module-error-' + Date.now() });
                const registered = once(client, 'registered');
                client.connect();
                await registered;
                const error = once(client, 'error');
                client.send('offer', 'nobody-has-this-id', { sdp: { type: 'offer', sdp: 'v=0' } });
                const e = await error;
                client.close();
                return { typed: e instanceof SignalingErrorEvent, type: e.type, code: e.code, message: e.message,
                  fatal: e.fatal, known: e.code === ErrorCode.PEER_NOT_FOUND };
                """.formatted(socket(plain)));

        assertThat(event.getBoolean("typed")).isTrue();
        assertThat(event.getString("type")).isEqualTo("error");
        assertThat(event.getString("code")).isEqualTo("peer-not-found");
        assertThat(event.getString("message")).isEqualTo("Peer nobody-has-this-id not found");
        assertThat(event.getBoolean("fatal")).isFalse();
        assertThat(event.getBoolean("known")).isTrue();
    }

    @Test
    void aFrameOverTheLimitClosesWith1009AndTheClientReconnectsAfterABackoff() throws Exception {
        JsonObject seen = inPage(plain, """
                const client = new SignalingClient(%s, { clientId: 'module-big-' + Date.now(), minDelay: 200 });
                let registered = once(client, 'registered');
                client.connect();
                await registered;
                const closed = once(client, 'close');
                registered = once(client, 'registered');
                client.send('chat', 'anyone', { text: 'x'.repeat(2000) });
                const e = await closed;
                const started = performance.now();
                await registered;
                const after = performance.now() - started;
                client.close();
                return { typed: e instanceof SignalingCloseEvent, code: e.code, meaning: e.meaning, opened: e.opened,
                  reconnectIn: e.reconnectIn, after };
                """.formatted(socket(plain)));

        assertThat(seen.getBoolean("typed")).isTrue();
        assertThat(seen.getInt("code")).isEqualTo(1009);
        assertThat(seen.getString("meaning")).isEqualTo("too-big");
        assertThat(seen.getBoolean("opened")).isTrue();
        assertThat(seen.getInt("reconnectIn")).isBetween(100, 200);
        assertThat(seen.getJsonNumber("after").doubleValue()).as("registered again after the delay")
                .isGreaterThanOrEqualTo(seen.getInt("reconnectIn") - 5);
    }

    /**
     * A token naming the id takes it over at once: the old client gets 4000 "replaced" and stays
     * closed; a client whose id a live socket holds gets {@code id-taken}.
     */
    @Test
    void aReplacedClientStaysClosedAndATakenIdIsAnErrorEvent() throws Exception {
        String id = "module-replaced-" + System.nanoTime();
        String token = Tokens.hmac(JWT_SECRET, JWSAlgorithm.HS256, Tokens.claims(id).build());
        String apiLikeToken = Tokens.hmac(JWT_SECRET, JWSAlgorithm.HS256, Tokens.claims(null).build());
        JsonObject seen = inPage(authenticated, """
                const url = %s, id = '%s', token = '%s', anyId = '%s';
                const first = new SignalingClient(url, { clientId: id, token });
                let registered = once(first, 'registered');
                first.connect();
                await registered;
                const replaced = once(first, 'close');
                const second = new SignalingClient(url, { clientId: id, token });
                registered = once(second, 'registered');
                second.connect();
                await registered;
                const close = await replaced;
                const third = new SignalingClient(url, { clientId: id, token: anyId });
                const taken = once(third, 'error');
                third.connect();
                const error = await taken;
                second.close();
                third.close();
                return { code: close.code, reason: close.reason, meaning: close.meaning, reconnectIn: close.reconnectIn,
                  state: first.state, takenCode: error.code, takenTyped: error instanceof SignalingErrorEvent };
                """.formatted(socket(authenticated), id, token, apiLikeToken));

        assertThat(seen.getInt("code")).isEqualTo(4000);
        assertThat(seen.getString("reason")).isEqualTo("replaced");
        assertThat(seen.getString("meaning")).isEqualTo("replaced");
        assertThat(seen.isNull("reconnectIn")).as("no reconnect after 4000").isTrue();
        assertThat(seen.getString("state")).isEqualTo("closed");
        assertThat(seen.getString("takenCode")).isEqualTo("id-taken");
        assertThat(seen.getBoolean("takenTyped")).isTrue();
    }

    @Test
    void anUnauthorizedRegisterIsAFatalErrorAndTheClientDoesNotReconnect() throws Exception {
        JsonObject seen = inPage(authenticated, """
                const client = new SignalingClient(%s, { clientId: 'module-unauthorized', token: 'not-a-token', tokenIn: 'register' });
                const error = once(client, 'error');
                const closed = once(client, 'close');
                client.connect();
                const e = await error;
                const c = await closed;
                return { code: e.code, fatal: e.fatal, closeCode: c.code, meaning: c.meaning, reconnectIn: c.reconnectIn,
                  state: client.state };
                """.formatted(socket(authenticated)));

        assertThat(seen.getString("code")).isEqualTo("unauthorized");
        assertThat(seen.getBoolean("fatal")).isTrue();
        assertThat(seen.getInt("closeCode")).isEqualTo(1008);
        assertThat(seen.getString("meaning")).isEqualTo("policy");
        assertThat(seen.isNull("reconnectIn")).isTrue();
        assertThat(seen.getString("state")).isEqualTo("closed");
    }

    /**
     * The client says it can resume ({@code "resume":""}); the token a {@code peers} reply
     * carries goes back in the next connection's {@code register}, beside the id. A stand-in
     * socket plays the server, so the exact frames can be checked.
     */
    @Test
    void theResumeTokenAPeersReplyOffersIsPresentedOnReconnect() throws Exception {
        JsonObject seen = inPage(plain, """
                const sent = [];
                class StandIn {
                  constructor(url) { this.readyState = 0; StandIn.last = this; setTimeout(() => { this.readyState = 1; this.onopen(); }); }
                  send(text) {
                    const m = JSON.parse(text);
                    sent.push(m);
                    if (m.type !== 'register') return;
                    const reply = { type: 'peers', peers: [m.clientId], total: 1 };
                    if (StandIn.resume) reply.resume = StandIn.resume;
                    setTimeout(() => this.onmessage({ data: JSON.stringify(reply) }));
                  }
                  close(code) { this.drop(code || 1000); }
                  drop(code) { this.readyState = 3; setTimeout(() => this.onclose({ code, reason: '' })); }
                }
                const run = async (resume) => {
                  sent.length = 0;
                  StandIn.resume = resume;
                  const client = new SignalingClient('ws://stand-in.invalid/', { clientId: 'r', WebSocket: StandIn, minDelay: 5, maxDelay: 10 });
                  let registered = once(client, 'registered');
                  client.connect();
                  await registered;
                  registered = once(client, 'registered');
                  StandIn.last.drop(1006);
                  await registered;
                  client.close();
                  return sent.filter((m) => m.type === 'register');
                };
                const offered = await run('opaque-resume-token');
                const none = await run(undefined);
                const client = new SignalingClient('ws://stand-in.invalid/', { clientId: 'd' });
                const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => client.delay(n));
                return { offered, none, delays };
                """);

        assertThat(seen.getJsonArray("offered").toString()).isEqualTo("[{\"type\":\"register\",\"clientId\":\"r\",\"resume\":\"\"},"
                + "{\"type\":\"register\",\"clientId\":\"r\",\"resume\":\"opaque-resume-token\"}]");
        assertThat(seen.getJsonArray("none").toString()).isEqualTo("[{\"type\":\"register\",\"clientId\":\"r\",\"resume\":\"\"},"
                + "{\"type\":\"register\",\"clientId\":\"r\",\"resume\":\"\"}]");
        List<Integer> delays = seen.getJsonArray("delays").getValuesAs(jakarta.json.JsonNumber.class).stream()
                .map(jakarta.json.JsonNumber::intValue).toList();
        int[] full = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        for (int n = 0; n < full.length; n++) {
            assertThat(delays.get(n)).as("delay %d: the backoff, cut by up to half at random", n + 1)
                    .isBetween(full[n] / 2, full[n]);
        }
    }
}
