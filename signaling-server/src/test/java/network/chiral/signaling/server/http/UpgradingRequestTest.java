package network.chiral.signaling.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;

class UpgradingRequestTest {
    private static final Principal ALICE = () -> "alice";

    /** A request that answers the given getters and nothing else. */
    private static HttpServletRequest request(Map<String, Object> answers) {
        return (HttpServletRequest) Proxy.newProxyInstance(UpgradingRequestTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    if (!answers.containsKey(method.getName())) {
                        throw new AssertionError("unexpected call " + method.getName());
                    }
                    return answers.get(method.getName());
                });
    }

    private static final Map<String, Object> UPGRADE = Map.of(
            "getRequestURI", "/signal/",
            "getContextPath", "/signal",
            "getServletPath", "",
            "getPathInfo", "/",
            "getQueryString", "token=abc",
            "getUserPrincipal", ALICE,
            "getHeader", "websocket");

    @Test
    void passesTheRequestThroughUntilTheHandshakeEnds() {
        UpgradingRequest upgrading = new UpgradingRequest(request(UPGRADE), null);

        assertThat(upgrading.getHeader("Upgrade")).isEqualTo("websocket");
        assertThat(upgrading.getUserPrincipal()).isSameAs(ALICE);
    }

    @Test
    void keepsWhatASessionStillAsksAfterTheHandshake() {
        UpgradingRequest upgrading = new UpgradingRequest(request(UPGRADE), null);

        upgrading.end();

        assertThat(upgrading.getRequestURI()).isEqualTo("/signal/");
        assertThat(upgrading.getContextPath()).isEqualTo("/signal");
        assertThat(upgrading.getServletPath()).isEmpty();
        assertThat(upgrading.getPathInfo()).isEqualTo("/");
        assertThat(upgrading.getQueryString()).isEqualTo("token=abc");
        assertThat(upgrading.getUserPrincipal()).isSameAs(ALICE);
    }

    @Test
    void letsGoOfTheHttpRequestOnceTheHandshakeEnds() {
        HttpServletRequest original = request(UPGRADE);
        UpgradingRequest upgrading = new UpgradingRequest(original, null);

        upgrading.end();

        assertThat(upgrading.getRequest()).isNotSameAs(original);
        assertThatThrownBy(() -> upgrading.getHeader("Upgrade"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended with its WebSocket upgrade")
                .hasMessageContaining("getHeader");
        assertThat(upgrading.getRequest().toString()).contains("ended");
    }

    @Test
    void aVerifiedCertificateIsThePrincipalTheHandshakeSees() {
        Principal certificate = () -> "CN=alice";
        UpgradingRequest upgrading = new UpgradingRequest(request(UPGRADE), certificate);

        upgrading.end();

        assertThat(upgrading.getUserPrincipal()).isSameAs(certificate);
    }
}
