package network.chiral.signaling.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecuritySettingsTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    private static Settings load(Map<String, String> values) {
        return Settings.load(values::get);
    }

    @Test
    void authenticationAndAdmissionAreOffByDefaultThePerSocketLimitsOn() {
        Settings defaults = Settings.defaults();
        SecuritySettings security = defaults.security();
        assertThat(security.auth().enabled()).isFalse();
        assertThat(defaults.clientCertificates().enabled()).isFalse();
        assertThat(security.admission().allowedOrigins()).isEmpty();
        assertThat(security.admission().maxConnections()).isZero();
        // Off by default: many clients share one address behind carrier-grade NAT (docs/security.md).
        assertThat(security.admission().maxConnectionsPerIp()).isZero();
        assertThat(security.admission().connectionsPerIpPerMinute()).isZero();
        // On by default, at values no real client's set-up meets (docs/security.md#limits-on-by-default).
        assertThat(security.rate()).isEqualTo(new RateSettings(50, 200, 10));
        assertThat(defaults.describe()).contains("SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND=50",
                "SIGNALING_RATE_LIMIT_BURST=200", "SIGNALING_REGISTRATIONS_PER_MINUTE=10", "SIGNALING_TLS_CLIENT_AUTH=none",
                "SIGNALING_MAX_CONNECTIONS_PER_IP=0", "SIGNALING_CONNECTIONS_PER_IP_PER_MINUTE=0");
        assertThat(security.turn().enabled()).isFalse();
    }

    @Test
    void theLimitsCanBeSwitchedOffExplicitly() {
        assertThat(load(Map.of("SIGNALING_RATE_LIMIT_MESSAGES_PER_SECOND", "0", "SIGNALING_REGISTRATIONS_PER_MINUTE", "0"))
                .security().rate()).isEqualTo(new RateSettings(0, 200, 0));
    }

    @Test
    void secretsAreMaskedInTheStartUpLineAndInErrors() {
        Settings settings = load(Map.of("SIGNALING_AUTH_JWT_SECRET", SECRET, "SIGNALING_AUTH_API_KEYS", "k1,k2",
                "SIGNALING_TURN_SECRET", "turn-secret", "SIGNALING_TURN_URLS", "turn:t.example.com"));
        assertThat(settings.describe()).doesNotContain(SECRET, "k1", "turn-secret");
        assertThat(settings.toString()).doesNotContain(SECRET, "k1", "turn-secret");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_AUTH_JWT_SECRET", "short-secret")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("SIGNALING_AUTH_JWT_SECRET")
                .message().doesNotContain("short-secret");
    }

    @Test
    void onlyOneTokenVerifierMayBeConfigured() {
        assertThatThrownBy(() -> load(Map.of("SIGNALING_AUTH_JWT_SECRET", SECRET,
                "SIGNALING_AUTH_JWKS_URL", "https://id.example.com/jwks.json")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("only one");
    }

    @Test
    void badValuesNameTheirSetting(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("key.pem"), "hello");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_AUTH_JWT_PUBLIC_KEY_FILE", notPem.toString())))
                .hasMessageContaining("SIGNALING_AUTH_JWT_PUBLIC_KEY_FILE");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_AUTH_JWKS_URL", "ftp://x")))
                .hasMessageContaining("SIGNALING_AUTH_JWKS_URL");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_AUTH_API_KEYS", "sha256:abc")))
                .hasMessageContaining("SIGNALING_AUTH_API_KEYS");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_ALLOWED_ORIGINS", "example.com")))
                .hasMessageContaining("SIGNALING_ALLOWED_ORIGINS");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_MAX_CONNECTIONS", "-1")))
                .hasMessageContaining("SIGNALING_MAX_CONNECTIONS");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_AUTH_REGISTER_TOKEN", "yes")))
                .hasMessageContaining("SIGNALING_AUTH_REGISTER_TOKEN");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_TURN_URLS", "turn:t.example.com")))
                .hasMessageContaining("SIGNALING_TURN_SECRET");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_TURN_SECRET", "s", "SIGNALING_TURN_URLS", "http://t")))
                .hasMessageContaining("SIGNALING_TURN_URLS");
    }

    @Test
    void listsAreCommaSeparated() {
        Settings settings = load(Map.of("SIGNALING_ALLOWED_ORIGINS", " https://a.example.com, https://*.b.example.com ,",
                "SIGNALING_STUN_URLS", "stun:s1.example.com,stun:s2.example.com"));
        assertThat(settings.security().admission().allowedOrigins())
                .containsExactly("https://a.example.com", "https://*.b.example.com");
        assertThat(settings.security().turn().stunUrls()).hasSize(2);
    }
}
