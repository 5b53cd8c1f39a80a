package network.chiral.signaling.server.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.api.IceServer;
import network.chiral.signaling.server.config.TurnSettings;

class IceServersTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_699_913_600L), ZoneOffset.UTC);

    @Test
    void credentialMatchesTheRfc2202HmacSha1Vector() {
        // RFC 2202 test case 2: HMAC-SHA1("Jefe", "what do ya want for nothing?") =
        // effcdf6ae5eb2fa2d27416d5f184df9c259a7c79, base64 below.
        assertThat(IceServers.credential("Jefe", "what do ya want for nothing?"))
                .isEqualTo("7/zfauXrL6LSdBbV8YTfnCWafHk=");
    }

    @Test
    void turnCredentialIsCoturnsRestApiForm() {
        TurnSettings settings = new TurnSettings(Optional.of("coturn-shared-secret"),
                List.of("turn:turn.example.com:3478", "turns:turn.example.com:5349"),
                List.of("stun:stun.example.com:3478"), Duration.ofSeconds(86_400));
        List<IceServer> servers = new IceServers(settings, CLOCK).forClient("alice").orElseThrow();

        assertThat(servers).hasSize(2);
        assertThat(servers.get(0)).isEqualTo(new IceServer(List.of("stun:stun.example.com:3478"), null, null));
        IceServer turn = servers.get(1);
        assertThat(turn.urls()).containsExactly("turn:turn.example.com:3478", "turns:turn.example.com:5349");
        // Expiry = now + TTL = 1699913600 + 86400.
        assertThat(turn.username()).isEqualTo("1700000000:alice");
        // echo -n "1700000000:alice" | openssl dgst -sha1 -hmac "coturn-shared-secret" -binary | base64
        assertThat(turn.credential()).isEqualTo("eaPAufPBtzKyTlFFj8/AobPZBvg=");
    }

    @Test
    void stunOnlyHasNoCredentialsAndNothingConfiguredMeansNoField() {
        TurnSettings stunOnly = new TurnSettings(Optional.empty(), List.of(), List.of("stun:stun.example.com:3478"),
                Duration.ofSeconds(600));
        assertThat(new IceServers(stunOnly, CLOCK).forClient("a").orElseThrow())
                .containsExactly(new IceServer(List.of("stun:stun.example.com:3478"), null, null));

        TurnSettings none = new TurnSettings(Optional.empty(), List.of(), List.of(), Duration.ofSeconds(600));
        assertThat(new IceServers(none, CLOCK).forClient("a")).isEmpty();
    }
}
