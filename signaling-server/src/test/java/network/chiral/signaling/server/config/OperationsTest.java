package network.chiral.signaling.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OperationsTest {

    private static Operations load(Map<String, String> values) {
        return Settings.load(values::get).operations();
    }

    @Test
    void defaultsAllowOnlyLoopbackDrainFiveSecondsAndLogText() throws Exception {
        Operations defaults = Settings.defaults().operations();
        assertThat(defaults.drainTime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(defaults.metricsAllowed(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(defaults.metricsAllowed(InetAddress.getByName("127.3.4.5"))).isTrue();
        assertThat(defaults.metricsAllowed(InetAddress.getByName("::1"))).isTrue();
        assertThat(defaults.metricsAllowed(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(defaults.metricsAllowed(InetAddress.getByName("203.0.113.9"))).isFalse();
        assertThat(defaults.metricsAllowed(InetAddress.getByName("2001:db8::1"))).isFalse();
    }

    @Test
    void theAllowListReplacesTheDefault() throws Exception {
        Operations ops = load(Map.of("SIGNALING_METRICS_ALLOW", " 10.128.0.0/9 , 2001:db8::/32,192.0.2.7"));
        assertThat(ops.metricsAllowed(InetAddress.getByName("10.200.1.1"))).isTrue();
        assertThat(ops.metricsAllowed(InetAddress.getByName("10.127.255.255"))).isFalse();
        assertThat(ops.metricsAllowed(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
        assertThat(ops.metricsAllowed(InetAddress.getByName("192.0.2.7"))).isTrue();
        assertThat(ops.metricsAllowed(InetAddress.getByName("192.0.2.8"))).isFalse();
        assertThat(ops.metricsAllowed(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(ops.metricsAllow()).extracting(AddressBlock::toString)
                .containsExactly("10.128.0.0/9", "2001:db8:0:0:0:0:0:0/32", "192.0.2.7/32");
    }

    @Test
    void theSelfTestPageIsOnUnlessTurnedOff() {
        assertThat(Settings.defaults().operations().selfTestPage()).isTrue();
        assertThat(load(Map.of("SIGNALING_SELF_TEST_PAGE", "false")).selfTestPage()).isFalse();
        assertThatThrownBy(() -> load(Map.of("SIGNALING_SELF_TEST_PAGE", "off")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("SIGNALING_SELF_TEST_PAGE");
    }

    @Test
    void badValuesNameTheirSetting() {
        assertThatThrownBy(() -> load(Map.of("SIGNALING_METRICS_ALLOW", "prometheus.internal")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("SIGNALING_METRICS_ALLOW");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_METRICS_ALLOW", "10.0.0.0/33")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("SIGNALING_METRICS_ALLOW");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_METRICS_ALLOW", "10.0.0.0/x")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("SIGNALING_METRICS_ALLOW");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_DRAIN_SECONDS", "-1")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("SIGNALING_DRAIN_SECONDS");
        assertThatThrownBy(() -> load(Map.of("SIGNALING_LOG_FORMAT", "xml")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("SIGNALING_LOG_FORMAT");
    }

    @Test
    void jsonIsReadCaseInsensitively() {
        assertThat(load(Map.of("SIGNALING_LOG_FORMAT", "JSON")).logFormat()).isEqualTo(LogFormat.JSON);
    }
}
