package network.chiral.signaling.server.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void countsWhatTheEncoderWrites() {
        for (String text : new String[] {"", "v=0", "é", "ü€", "日本語", "a😀b", "{\"sdp\":\"o=- 4611731400430051336 2 IN IP4 127.0.0.1 ñ 🎥\"}"}) {
            assertThat(Utf8.length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
