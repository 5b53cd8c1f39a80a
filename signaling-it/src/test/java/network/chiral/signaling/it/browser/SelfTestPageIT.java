package network.chiral.signaling.it.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.it.fixture.Chromium;
import network.chiral.signaling.it.fixture.Coturn;
import network.chiral.signaling.it.fixture.Nginx;
import network.chiral.signaling.it.fixture.Ports;
import network.chiral.signaling.it.fixture.SelfTestPage;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.ServletContainer;
import network.chiral.signaling.it.fixture.TestCertificates;
import network.chiral.signaling.it.fixture.WorkDirectories;

/**
 * The self-test page at the root URL, run in headless Chromium with {@code ?run=1} on each
 * deployment form: it must pass (a real data channel between two peers in the page, set up
 * through the server, and 1 MiB across it) on the executable jar, behind nginx with TLS and in
 * the WAR, and its relay-only run must pass through a real coturn that checks the credentials
 * the server issued; and fail at the right step with the right hint when the origin is refused,
 * when a proxy drops the upgrade, when the TURN server cannot be reached or refuses the
 * credentials, and when a token is missing. The passing run with TURN is also saved as
 * target/self-test.png, the picture docs/self-test.png is refreshed from.
 */
class SelfTestPageIT {
    /** Every step of a run without TURN, in order. */
    static final List<String> STEPS = List.of("Server health", "WebSocket open", "Register", "Offer to answer",
            "ICE connected", "DataChannel open", "Throughput (1 MiB)");
    private static final Map<String, String> ON_LOOPBACK = Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1");

    private static final TestCertificates CA = TestCertificates.newAuthority();
    private static TestCertificates.Issued certificate;
    private static Chromium browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        certificate = CA.issue(WorkDirectories.fresh("self-test-cert"), TestCertificates.KeyForm.EC_PKCS8);
        // Loopback candidates too, so that the two peers connect on a machine with no other interface.
        browser = Chromium.start(List.of("--allow-loopback-in-peer-connection", Chromium.trusting(certificate.keys().getPublic())));
        browser.resize(900, 1100);
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void onTheJarTheRootUrlConnectsTwoPeersThroughTheServerAndPasses() throws Exception {
        try (ServerProcess server = ServerProcess.start(ON_LOOPBACK)) {
            SelfTestPage.Result result = SelfTestPage.run(browser, page("http://127.0.0.1:" + server.port() + "/"));

            assertPassed(result);
            assertThat(result.json().getJsonObject("server").getString("version")).isNotBlank();
            assertThat(result.json().getJsonNumber("throughputMBps").doubleValue()).isPositive();
            assertThat(result.json().isNull("relay")).as("no relay-only run without TURN").isTrue();
            LoggerFactory.getLogger(getClass()).info("self-test on the jar: {}", result.steps());
        }
    }

    /**
     * With TURN handed out, a second run may use relays only: it passes only if coturn accepts the
     * credentials the server issued and relays between the two peers.
     */
    @Test
    void withTurnTheRelayOnlyRunPassesThroughCoturnWithTheServersCredentials() throws Exception {
        String secret = "self-test-turn-secret-0123456789";
        try (Coturn coturn = Coturn.start(secret);
             ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                     "SIGNALING_TURN_SECRET", secret, "SIGNALING_TURN_URLS", coturn.url()))) {
            SelfTestPage.Result result = SelfTestPage.run(browser, page("http://127.0.0.1:" + server.port() + "/"));

            assertThat(result.verdict()).as("%s", result).isEqualTo("pass");
            assertThat(result.completed()).startsWith(STEPS.toArray(String[]::new))
                    .endsWith("TURN relay candidate", "TURN relay connected");
            assertThat(result.json().getJsonObject("relay").getBoolean("ok")).isTrue();
            assertThat(result.json().getJsonObject("relay").getInt("candidates")).isPositive();
            assertThat(result.candidateTypes().get("srflx")).as("coturn answers STUN too").isPositive();
            browser.screenshot(Path.of("target", "self-test.png"));
            LoggerFactory.getLogger(getClass()).info("self-test with TURN: {}", result.steps());
        }
    }

    @Test
    void turnCredentialsCoturnRefusesFailTheRelayOnlyRunWithTheSecretHint() throws Exception {
        try (Coturn coturn = Coturn.start("the-secret-coturn-has-0123456789");
             ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                     "SIGNALING_TURN_SECRET", "another-secret-0123456789", "SIGNALING_TURN_URLS", coturn.url()))) {
            SelfTestPage.Result result = SelfTestPage.run(browser, page("http://127.0.0.1:" + server.port() + "/"));

            assertThat(result.verdict()).as("%s", result).isEqualTo("fail");
            assertThat(result.failedStep()).isEqualTo("TURN relay candidate");
            assertThat(result.hint()).startsWith("TURN refused the credentials").contains("SIGNALING_TURN_SECRET");
        }
    }

    @Test
    void behindNginxWithTlsThePagePasses() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                "SIGNALING_TRUSTED_PROXIES", "127.0.0.1/32"));
             Nginx nginx = Nginx.start(server.port(), certificate)) {
            SelfTestPage.Result result = SelfTestPage.run(browser, page("https://127.0.0.1:" + nginx.httpsPort() + "/"));

            assertPassed(result);
            assertThat(result.steps()).filteredOn(s -> s.name().equals("WebSocket open"))
                    .singleElement().satisfies(s -> assertThat(s.detail()).startsWith("wss://127.0.0.1:"));
        }
    }

    @Test
    void inTheWarInTomcatThePagePassesUnderItsContextPath() throws Exception {
        try (ServletContainer tomcat = ServletContainer.start(ServletContainer.Kind.TOMCAT_10, Map.of())) {
            SelfTestPage.Result result = SelfTestPage.run(browser, page(tomcat.httpUri().toString()));

            assertPassed(result);
            assertThat(tomcat.httpUri().getPath()).isEqualTo("/" + ServletContainer.CONTEXT + "/");
        }
    }

    @Test
    void anOriginTheServerRefusesFailsAtWebSocketOpenWithTheOriginHint() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                "SIGNALING_ALLOWED_ORIGINS", "https://app.example.com"))) {
            String origin = "http://127.0.0.1:" + server.port();
            SelfTestPage.Result result = SelfTestPage.run(browser, page(origin + "/"));

            assertThat(result.verdict()).as("%s", result).isEqualTo("fail");
            assertThat(result.failedStep()).isEqualTo("WebSocket open");
            assertThat(result.hint()).startsWith("Origin refused").contains(origin, "SIGNALING_ALLOWED_ORIGINS");
        }
    }

    /**
     * nginx running the shipped file without its two {@code Upgrade}/{@code Connection} lines, the
     * commonest proxy mistake: the handshake reaches the server as a plain GET, which it answers
     * with 400, and the page, told by the server that the upgrade itself would be let in, blames
     * the proxy.
     */
    @Test
    void aProxyThatDropsTheUpgradeFailsAtWebSocketOpenWithTheProxyHint() throws Exception {
        String shipped = Files.readString(Nginx.shippedConfiguration());
        String broken = shipped.replace("proxy_set_header Upgrade $http_upgrade;", "")
                .replace("proxy_set_header Connection $signaling_connection;", "");
        assertThat(broken).isNotEqualTo(shipped).doesNotContain("$http_upgrade;");
        Path configuration = WorkDirectories.fresh("nginx-no-upgrade").resolve("signaling.conf");
        Files.writeString(configuration, broken);
        try (ServerProcess server = ServerProcess.start(ON_LOOPBACK);
             Nginx nginx = Nginx.start(configuration, server.port(), certificate, Map.of())) {
            SelfTestPage.Result result = SelfTestPage.run(browser, page("https://127.0.0.1:" + nginx.httpsPort() + "/"));

            assertThat(result.verdict()).as("%s", result).isEqualTo("fail");
            assertThat(result.failedStep()).isEqualTo("WebSocket open");
            assertThat(result.hint()).startsWith("Proxy not forwarding Upgrade").contains("proxy_set_header Upgrade");
            assertThat(server.output()).anyMatch(l -> l.contains("WARN") && l.contains("without its Upgrade header"));
        }
    }

    /** TURN handed out but nothing listening where it points: the page's relay-only run must fail. */
    @Test
    void anUnreachableTurnServerFailsTheRelayOnlyRunWithTheTurnHint() throws Exception {
        int nobody = Ports.free();
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                "SIGNALING_TURN_SECRET", "turn-secret-for-the-self-test",
                "SIGNALING_TURN_URLS", "turn:127.0.0.1:" + nobody + "?transport=tcp"))) {
            SelfTestPage.Result result = SelfTestPage.run(browser, page("http://127.0.0.1:" + server.port() + "/"));

            assertThat(result.verdict()).as("%s", result).isEqualTo("fail");
            assertThat(result.completed()).as("the direct run passed first").containsExactlyElementsOf(STEPS);
            assertThat(result.failedStep()).isEqualTo("TURN relay candidate");
            assertThat(result.hint()).startsWith("TURN unreachable").contains("127.0.0.1:" + nobody);
        }
    }

    @Test
    void withAuthenticationOnThePageAsksForATokenAndPassesWithOne() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                "SIGNALING_AUTH_API_KEYS", "self-test-key-0123456789"))) {
            String root = "http://127.0.0.1:" + server.port() + "/";
            SelfTestPage.Result without = SelfTestPage.run(browser, page(root));
            assertThat(without.verdict()).as("%s", without).isEqualTo("fail");
            assertThat(without.failedStep()).isEqualTo("WebSocket open");
            assertThat(without.hint()).startsWith("Authentication is on: enter a token");

            SelfTestPage.Result with = SelfTestPage.run(browser, URI.create(root + "?token=self-test-key-0123456789&run=1"));
            assertPassed(with);
        }
    }

    private static URI page(String root) {
        return URI.create(root + "?run=1");
    }

    private static void assertPassed(SelfTestPage.Result result) {
        assertThat(result.verdict()).as("%s", result).isEqualTo("pass");
        assertThat(result.failedStep()).isNull();
        assertThat(result.completed()).containsExactlyElementsOf(STEPS);
        assertThat(result.steps()).allSatisfy(s -> assertThat(s.ms()).isNotNegative());
        assertThat(result.candidateTypes()).containsKeys("host", "srflx", "relay");
        assertThat(result.candidateTypes().get("host")).as("host candidates gathered").isPositive();
    }
}
