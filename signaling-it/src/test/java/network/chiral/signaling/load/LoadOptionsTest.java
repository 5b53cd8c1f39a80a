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
}
