package network.chiral.signaling.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void readsTheDocumentedCommandLine() {
        LoadOptions options = LoadOptions.parse("--url", "wss://signal.example.org/", "--pairs", "50", "--rate", "10000",
                "--duration", "30s", "--payload", "1500", "--idle", "10000", "--protocol", "peerjs", "--insecure");

        assertThat(options.url()).isEqualTo(URI.create("wss://signal.example.org/"));
        assertThat(options.pairs()).isEqualTo(50);
        assertThat(options.rate()).isEqualTo(10000);
        assertThat(options.fixedRate()).isTrue();
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.payloadBytes()).isEqualTo(1500);
        assertThat(options.idle()).isEqualTo(10000);
        assertThat(options.protocol()).isEqualTo(Protocol.PEERJS);
        assertThat(options.insecure()).isTrue();
        assertThat(options.caFile()).isNull();
        assertThat(options.deflate()).isFalse();
        assertThat(LoadOptions.parse("--url", "ws://h/", "--permessage-deflate").deflate()).isTrue();
    }

    @Test
    void defaultsToChiralAtFullSpeed() {
        LoadOptions options = LoadOptions.parse("--url=ws://127.0.0.1:9000/", "--ca-file", "ca.pem", "--rate", "max");

        assertThat(options.protocol()).isEqualTo(Protocol.CHIRAL);
        assertThat(options.fixedRate()).isFalse();
        assertThat(options.pairs()).isEqualTo(50);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.warmup()).isEqualTo(Duration.ZERO);
        assertThat(options.caFile()).isEqualTo(Path.of("ca.pem"));
        assertThat(options.insecure()).isFalse();
    }

    @Test
    void readsDurationsInEveryUnit() {
        assertThat(LoadOptions.duration("--d", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(LoadOptions.duration("--d", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(LoadOptions.duration("--d", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(LoadOptions.duration("--d", "7")).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void namesTheFlagThatIsWrong() {
        assertThatThrownBy(() -> LoadOptions.parse("--pairs", "3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--url");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "http://x/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws://");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "ws://x/", "--rate", "fast"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rate");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "ws://x/", "--pairs", "-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--pairs");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "ws://x/", "--duration", "soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--duration");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "ws://x/", "--protocol", "sip"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--protocol");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "ws://x/", "--bogus", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--bogus");
        assertThatThrownBy(() -> LoadOptions.parse("--url"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a value");
    }

    @Test
    void readsAStormAndItsReconnect() {
        LoadOptions options = LoadOptions.parse("--url", "wss://127.0.0.1:9443/", "--storm", "8000",
                "--connect-concurrency", "200", "--reconnect", "--duration", "2m", "--insecure");

        assertThat(options.stormRun()).isTrue();
        assertThat(options.storm()).isEqualTo(8000);
        assertThat(options.connectConcurrency()).isEqualTo(200);
        assertThat(options.reconnect()).isTrue();
        assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.insecure()).isTrue();
    }

    @Test
    void aRunIsNoStormUnlessAsked() {
        LoadOptions options = LoadOptions.parse("--url", "ws://127.0.0.1:9000/");

        assertThat(options.stormRun()).isFalse();
        assertThat(options.storm()).isZero();
        assertThat(options.reconnect()).isFalse();
        assertThat(options.connectConcurrency()).isEqualTo(64);
        assertThat(LoadOptions.parse("--url", "ws://h/", "--storm=300").storm()).isEqualTo(300);
        assertThat(LoadOptions.defaults(URI.create("ws://h/")).withStorm(500, 50, true))
                .extracting(LoadOptions::storm, LoadOptions::connectConcurrency, LoadOptions::reconnect)
                .containsExactly(500, 50, true);
    }

    @Test
    void stormOptionsNameTheFlagThatIsWrong() {
        assertThatThrownBy(() -> LoadOptions.parse("--url", "ws://x/", "--reconnect"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--reconnect needs --storm N");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "ws://x/", "--storm", "-5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--storm must be at least 0");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "ws://x/", "--storm", "lots"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--storm must be a whole number");
        assertThatThrownBy(() -> LoadOptions.parse("--url", "ws://x/", "--storm", "10", "--connect-concurrency", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--connect-concurrency");
        assertThat(LoadOptions.usage()).contains("--storm N", "--reconnect");
    }
}
