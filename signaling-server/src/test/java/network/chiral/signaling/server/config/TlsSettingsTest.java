package network.chiral.signaling.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TlsSettingsTest {

    @Test
    void offByDefault() {
        assertThat(Settings.defaults().tls()).isEqualTo(new Tls.Off());
    }

    @Test
    void pemFilesGoTogether() {
        Settings settings = Settings.load(Map.of("SIGNALING_TLS_CERT_FILE", "/etc/c.pem", "SIGNALING_TLS_KEY_FILE", "/etc/k.pem",
                "SIGNALING_TLS_RELOAD_SECONDS", "5")::get);
        assertThat(settings.tls()).isEqualTo(new Tls.Pem(Path.of("/etc/c.pem"), Path.of("/etc/k.pem"), Duration.ofSeconds(5)));
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_TLS_CERT_FILE", "/etc/c.pem")::get))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("SIGNALING_TLS_KEY_FILE");
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_TLS_KEY_FILE", "/etc/k.pem")::get))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("SIGNALING_TLS_CERT_FILE");
    }

    @Test
    void pemAndKeystoreAreAlternatives() {
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_TLS_CERT_FILE", "c", "SIGNALING_TLS_KEY_FILE", "k",
                "SIGNALING_TLS_KEYSTORE_FILE", "s.p12")::get))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("alternatives");
    }

    @Test
    void theKeystorePasswordIsNeverShown() {
        Settings settings = Settings.load(Map.of("SIGNALING_TLS_KEYSTORE_FILE", "/etc/s.p12",
                "SIGNALING_TLS_KEYSTORE_PASSWORD", "hunter2")::get);
        assertThat(settings.tls()).isInstanceOf(Tls.Pkcs12.class);
        assertThat(((Tls.Pkcs12) settings.tls()).password()).isEqualTo("hunter2");
        assertThat(settings.describe()).doesNotContain("hunter2").contains("SIGNALING_TLS_KEYSTORE_PASSWORD=(secret)");
        assertThat(settings.tls().toString()).doesNotContain("hunter2");
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_TLS_KEYSTORE_PASSWORD", "x")::get))
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_TLS_RELOAD_SECONDS", "0")::get))
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("SIGNALING_TLS_RELOAD_SECONDS=");
    }
}
