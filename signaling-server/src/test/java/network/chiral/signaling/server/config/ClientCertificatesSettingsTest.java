package network.chiral.signaling.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ClientCertificatesSettingsTest {
    private static final Map<String, String> NATIVE_TLS = Map.of(
            "SIGNALING_TLS_CERT_FILE", "/etc/c.pem", "SIGNALING_TLS_KEY_FILE", "/etc/k.pem");

    private static Settings load(Map<String, String> base, String... pairs) {
        Map<String, String> values = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return Settings.load(values::get);
    }

    @Test
    void offByDefault() {
        assertThat(Settings.defaults().clientCertificates()).isEqualTo(ClientCertificates.OFF);
        assertThat(Settings.defaults().describe()).contains("SIGNALING_TLS_CLIENT_AUTH=none", "SIGNALING_TLS_CLIENT_ID=cn");
    }

    @Test
    void nativeTlsWithClientCertificatesReadsTheBundleAndTheCrl() {
        Settings settings = load(NATIVE_TLS, "SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_CA_FILE", "/etc/ca.pem",
                "SIGNALING_TLS_CLIENT_CRL_FILE", "/etc/ca.crl", "SIGNALING_TLS_CLIENT_ID", "SAN-DNS");
        assertThat(settings.clientCertificates()).isEqualTo(new ClientCertificates(ClientCertificates.Mode.NEED,
                ClientCertificates.IdSource.SAN_DNS, Optional.of(Path.of("/etc/ca.pem")), Optional.of(Path.of("/etc/ca.crl"))));
    }

    @Test
    void behindAProxyOrInAContainerNoFilesAreNeeded() {
        assertThat(load(Map.of(), "SIGNALING_TLS_CLIENT_AUTH", "want").clientCertificates().mode())
                .isEqualTo(ClientCertificates.Mode.WANT);
    }

    @Test
    void everyInconsistentCombinationIsRefusedWithTheSettingNamed() {
        assertThatThrownBy(() -> load(Map.of(), "SIGNALING_TLS_CLIENT_AUTH", "required"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("SIGNALING_TLS_CLIENT_AUTH='required': expected none, want or need");
        assertThatThrownBy(() -> load(Map.of(), "SIGNALING_TLS_CLIENT_ID", "subject"))
                .hasMessage("SIGNALING_TLS_CLIENT_ID='subject': expected cn, san-dns, san-email, san-uri or none");
        assertThatThrownBy(() -> load(NATIVE_TLS, "SIGNALING_TLS_CLIENT_AUTH", "need"))
                .hasMessageStartingWith("SIGNALING_TLS_CLIENT_AUTH=need with native TLS needs SIGNALING_TLS_CLIENT_CA_FILE");
        assertThatThrownBy(() -> load(NATIVE_TLS, "SIGNALING_TLS_CLIENT_CA_FILE", "/etc/ca.pem"))
                .hasMessageStartingWith("SIGNALING_TLS_CLIENT_CA_FILE is set but SIGNALING_TLS_CLIENT_AUTH is none");
        assertThatThrownBy(() -> load(NATIVE_TLS, "SIGNALING_TLS_CLIENT_AUTH", "want", "SIGNALING_TLS_CLIENT_CRL_FILE", "/etc/ca.crl"))
                .hasMessageStartingWith("SIGNALING_TLS_CLIENT_CRL_FILE is set but SIGNALING_TLS_CLIENT_CA_FILE is not");
        assertThatThrownBy(() -> load(Map.of(), "SIGNALING_TLS_CLIENT_AUTH", "want", "SIGNALING_TLS_CLIENT_CA_FILE", "/etc/ca.pem"))
                .hasMessageStartingWith("SIGNALING_TLS_CLIENT_CA_FILE needs native TLS");
    }
}
