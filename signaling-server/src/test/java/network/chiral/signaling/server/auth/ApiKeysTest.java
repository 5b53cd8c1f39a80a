package network.chiral.signaling.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void acceptsKeysInClearAndHashedAndNothingElse() {
        // printf %s 'hashed-key-2' | sha256sum
        String hashed = "sha256:" + HexFormat.of().formatHex(ApiKeys.sha256("hashed-key-2"));
        ApiKeys keys = new ApiKeys(List.of("clear-key-1", hashed));

        assertThat(keys.matches("clear-key-1")).isTrue();
        assertThat(keys.matches("hashed-key-2")).isTrue();
        assertThat(keys.matches(hashed)).isFalse();
        assertThat(keys.matches("clear-key-")).isFalse();
        assertThat(keys.matches("")).isFalse();
    }

    @Test
    void theHashIsPlainSha256AsSha256sumPrintsIt() {
        // printf %s 'hashed-key-2' | sha256sum
        assertThat(HexFormat.of().formatHex(ApiKeys.sha256("hashed-key-2")))
                .isEqualTo("041b6283f21ef6b2fe300a1f5f211b811baebc49c109c9f35938ce85bf0d7d23");
    }
}
