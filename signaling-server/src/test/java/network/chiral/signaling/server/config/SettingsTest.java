package network.chiral.signaling.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsMatchWhatExistingClientsExpect() {
        Settings settings = Settings.defaults();
        assertThat(settings.host()).isEqualTo("0.0.0.0");
        assertThat(settings.port()).isEqualTo(9000);
        assertThat(settings.acceptQueue()).isEqualTo(4096);
        assertThat(settings.peersListLimit()).isEqualTo(1000);
        assertThat(settings.maxMessageBytes()).isEqualTo(65536);
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.sendQueueBytes()).isEqualTo(1 << 20);
        assertThat(settings.logLevel()).isEqualTo("info");
    }

    @Test
    void outOfRangeOrNonNumericValuesNameTheSetting() {
        assertThatThrownBy(() -> Settings.load(Map.of("PORT", "70000")::get))
                .isInstanceOf(InvalidSettingException.class).hasMessage("PORT='70000': expected an integer from 0 to 65535");
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_PEERS_LIST_LIMIT", "many")::get))
                .hasMessageStartingWith("SIGNALING_PEERS_LIST_LIMIT='many'");
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_ACCEPT_QUEUE", "0")::get))
                .hasMessage("SIGNALING_ACCEPT_QUEUE='0': expected an integer from 1 to 65535");
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_LOG_LEVEL", "loud")::get))
                .hasMessageStartingWith("SIGNALING_LOG_LEVEL='loud'");
    }

    @Test
    void rustLogIsReadWhenTheLogLevelIsUnset() {
        assertThat(Settings.load(Map.of("RUST_LOG", "debug")::get).logLevel()).isEqualTo("debug");
        assertThat(Settings.load(Map.of("RUST_LOG", "signaling_server=trace,warn")::get).logLevel()).isEqualTo("warn");
        assertThat(Settings.load(Map.of("RUST_LOG", "WARNING")::get).logLevel()).isEqualTo("warn");
        assertThat(Settings.load(Map.of("RUST_LOG", "debug", "SIGNALING_LOG_LEVEL", "error")::get).logLevel()).isEqualTo("error");
    }

    @Test
    void theStartUpDescriptionListsEveryEffectiveValue() {
        String described = Settings.load(Map.of("PORT", "9100")::get).describe();
        for (Setting setting : Setting.values()) {
            assertThat(described).contains(setting.variable() + "=");
        }
        assertThat(described).contains("PORT=9100");
    }

    @Test
    void commandLineFlagsWinOverTheEnvironment() {
        CommandLine command = CommandLine.parse("--port", "9100", "--log-level=debug");
        Settings settings = Settings.load(command.over(Map.of("PORT", "9000", "SIGNALING_PEERS_LIST_LIMIT", "7")::get));
        assertThat(settings.port()).isEqualTo(9100);
        assertThat(settings.logLevel()).isEqualTo("debug");
        assertThat(settings.peersListLimit()).isEqualTo(7);
    }

    @Test
    void unknownOrIncompleteFlagsAreRejected() {
        assertThatThrownBy(() -> CommandLine.parse("--prot", "1")).hasMessageContaining("unknown option --prot");
        assertThatThrownBy(() -> CommandLine.parse("--port")).hasMessage("--port needs a value");
    }

    @Test
    void everySettingHasAFlagAndAppearsInTheHelpText() {
        String usage = CommandLine.usage();
        for (Setting setting : Setting.values()) {
            assertThat(usage).contains(setting.flag()).contains(setting.variable());
        }
        assertThat(Setting.PORT.flag()).isEqualTo("--port");
        assertThat(Setting.PEERS_LIST_LIMIT.flag()).isEqualTo("--peers-list-limit");
    }

    @Test
    void everySettingIsDocumented() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/configuration.md"));
        for (Setting setting : Setting.values()) {
            assertThat(doc).as("docs/configuration.md documents %s", setting.variable()).contains("`" + setting.variable() + "`");
        }
    }
}
