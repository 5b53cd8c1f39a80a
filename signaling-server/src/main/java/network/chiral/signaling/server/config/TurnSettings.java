package network.chiral.signaling.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * ICE servers handed to clients in {@code peers}. TURN credentials follow coturn's
 * {@code use-auth-secret} (the TURN REST API): off without a secret and TURN URLs.
 *
 * @param secret   coturn's {@code static-auth-secret}
 * @param turnUrls {@code turn:}/{@code turns:} URLs
 * @param stunUrls {@code stun:} URLs
 * @param ttl      lifetime of each issued credential
 */
public record TurnSettings(Optional<String> secret, List<String> turnUrls, List<String> stunUrls, Duration ttl) {

    public TurnSettings {
        turnUrls = List.copyOf(turnUrls);
        stunUrls = List.copyOf(stunUrls);
    }

    /** Whether {@code peers} carries {@code iceServers} at all. */
    public boolean enabled() {
        return turnEnabled() || !stunUrls.isEmpty();
    }

    /** Whether TURN credentials are issued. */
    public boolean turnEnabled() {
        return secret.isPresent() && !turnUrls.isEmpty();
    }

    static TurnSettings read(SettingReader read) {
        Optional<String> secret = AuthSettings.optional(read.raw(Setting.TURN_SECRET));
        List<String> turn = read.list(Setting.TURN_URLS);
        List<String> stun = read.list(Setting.STUN_URLS);
        for (String url : turn) {
            if (!url.startsWith("turn:") && !url.startsWith("turns:")) {
                throw new InvalidSettingException(Setting.TURN_URLS, url, "turn: or turns: URLs");
            }
        }
        for (String url : stun) {
            if (!url.startsWith("stun:") && !url.startsWith("stuns:")) {
                throw new InvalidSettingException(Setting.STUN_URLS, url, "stun: or stuns: URLs");
            }
        }
        if (secret.isPresent() != !turn.isEmpty()) {
            throw new InvalidSettingException(Setting.TURN_SECRET.variable() + " and "
                    + Setting.TURN_URLS.variable() + " must be set together");
        }
        Duration ttl = Duration.ofSeconds(read.integer(Setting.TURN_TTL_SECONDS, 60, 30 * 86_400));
        return new TurnSettings(secret, turn, stun, ttl);
    }

    @Override
    public String toString() {
        return "TurnSettings[secret=" + secret.map(s -> "(secret)") + ", turnUrls=" + turnUrls
                + ", stunUrls=" + stunUrls + ", ttl=" + ttl + "]";
    }
}
