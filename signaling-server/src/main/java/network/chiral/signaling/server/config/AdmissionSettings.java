package network.chiral.signaling.server.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which upgrades are let in. Zero means no limit.
 *
 * @param allowedOrigins            exact origins or {@code scheme://*.domain} patterns; empty: any origin
 * @param allowMissingOrigin        whether an upgrade without {@code Origin} passes when origins are restricted
 * @param maxConnections            most open sockets in all
 * @param maxConnectionsPerIp       most open sockets from one address
 * @param connectionsPerIpPerMinute most upgrade attempts from one address per minute
 */
public record AdmissionSettings(
        List<String> allowedOrigins,
        boolean allowMissingOrigin,
        int maxConnections,
        int maxConnectionsPerIp,
        int connectionsPerIpPerMinute) {

    private static final Pattern ORIGIN = Pattern.compile("(?i)[a-z][a-z0-9+.-]*://(\\*\\.)?[a-z0-9.-]+(:\\d{1,5})?");

    public AdmissionSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    static AdmissionSettings read(SettingReader read) {
        List<String> origins = read.list(Setting.ALLOWED_ORIGINS);
        for (String origin : origins) {
            if (!ORIGIN.matcher(origin).matches()) {
                throw new InvalidSettingException(Setting.ALLOWED_ORIGINS, origin,
                        "origins such as https://app.example.com or https://*.example.com");
            }
        }
        return new AdmissionSettings(origins,
                read.bool(Setting.ALLOW_MISSING_ORIGIN),
                read.integer(Setting.MAX_CONNECTIONS, 0, 10_000_000),
                read.integer(Setting.MAX_CONNECTIONS_PER_IP, 0, 10_000_000),
                read.integer(Setting.CONNECTIONS_PER_IP_PER_MINUTE, 0, 10_000_000));
    }
}
