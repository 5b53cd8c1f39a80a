package network.chiral.signaling.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class OriginPolicyTest {
    private final OriginPolicy policy = new OriginPolicy(
            List.of("https://app.example.com", "https://*.chiral.network", "http://localhost:5173"), true);

    @Test
    void exactOriginsMatchCaseInsensitivelyAndIncludingPort() {
        assertThat(policy.allows("https://app.example.com")).isTrue();
        assertThat(policy.allows("HTTPS://App.Example.com")).isTrue();
        assertThat(policy.allows("http://localhost:5173")).isTrue();
        assertThat(policy.allows("http://localhost:5174")).isFalse();
        assertThat(policy.allows("http://app.example.com")).isFalse();
        assertThat(policy.allows("https://app.example.com.evil.test")).isFalse();
    }

    @Test
    void wildcardsMatchSubdomainsOnly() {
        assertThat(policy.allows("https://a.chiral.network")).isTrue();
        assertThat(policy.allows("https://a.b.chiral.network")).isTrue();
        assertThat(policy.allows("https://chiral.network")).isFalse();
        assertThat(policy.allows("https://evilchiral.network")).isFalse();
        assertThat(policy.allows("https://a.chiral.network:8443")).isFalse();
        assertThat(policy.allows("http://a.chiral.network")).isFalse();
        assertThat(policy.allows("https://x/.chiral.network")).isFalse();
    }

    @Test
    void missingOriginFollowsTheSettingAndNoListAllowsAll() {
        assertThat(policy.allows(null)).isTrue();
        assertThat(new OriginPolicy(List.of("https://app.example.com"), false).allows(null)).isFalse();
        assertThat(new OriginPolicy(List.of(), false).allows("https://anything.test")).isTrue();
        assertThat(new OriginPolicy(List.of(), false).allows(null)).isTrue();
    }
}
