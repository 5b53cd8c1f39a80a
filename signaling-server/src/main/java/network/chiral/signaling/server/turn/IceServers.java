package network.chiral.signaling.server.turn;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import network.chiral.signaling.api.IceServer;
import network.chiral.signaling.server.config.TurnSettings;

/**
 * The ICE servers a client gets in its {@code peers} reply, with short-lived TURN credentials
 * in the TURN REST API form that coturn checks with {@code use-auth-secret}: username
 * {@code <unix-expiry>:<clientId>}, password base64(HMAC-SHA1(secret, username)). coturn
 * recomputes the password from the username, so nothing is shared but the secret, and a
 * credential is useless after its expiry.
 */
public final class IceServers {
    private static final String HMAC = "HmacSHA1";

    private final TurnSettings settings;
    private final Clock clock;

    public IceServers(TurnSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The servers for {@code clientId}, or empty when none are configured. */
    public Optional<List<IceServer>> forClient(String clientId) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        List<IceServer> servers = new ArrayList<>(2);
        if (!settings.stunUrls().isEmpty()) {
            servers.add(new IceServer(settings.stunUrls(), null, null));
        }
        if (settings.turnEnabled()) {
            long expiry = clock.instant().plus(settings.ttl()).getEpochSecond();
            String username = expiry + ":" + clientId;
            servers.add(new IceServer(settings.turnUrls(), username, credential(settings.secret().orElseThrow(), username)));
        }
        return Optional.of(List.copyOf(servers));
    }

    /** base64(HMAC-SHA1(secret, username)), as coturn computes it. */
    static String credential(String secret, String username) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA1", e);
        }
    }
}
