package network.chiral.signaling.server.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Settings for running the server in production: who may read metrics, how long a drain
 * lasts, how logs are written, whether the root URL serves the browser self-test page.
 *
 * @param metricsAllow blocks whose clients may read {@code /metrics}
 * @param drainTime    how long open sockets may stay after a stop was asked for
 * @param logFormat    text or JSON log lines (executable jar only)
 * @param selfTestPage whether a plain GET of the root URL serves the self-test page
 */
public record Operations(List<AddressBlock> metricsAllow, Duration drainTime, LogFormat logFormat, boolean selfTestPage) {

    public Operations {
        metricsAllow = List.copyOf(metricsAllow);
    }

    /** Whether a client at {@code address} may read {@code /metrics}. */
    public boolean metricsAllowed(InetAddress address) {
        for (AddressBlock block : metricsAllow) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    static Operations read(SettingReader read) {
        String allow = read.text(Setting.METRICS_ALLOW);
        List<AddressBlock> blocks;
        try {
            blocks = Arrays.stream(allow.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .map(AddressBlock::parse)
                    .toList();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(Setting.METRICS_ALLOW, allow,
                    "comma-separated CIDR blocks such as 127.0.0.0/8,10.128.0.0/9 (" + e.getMessage() + ")");
        }
        Duration drain = Duration.ofSeconds(read.integer(Setting.DRAIN_SECONDS, 0, 3_600));
        LogFormat format = LogFormat.parse(read.text(Setting.LOG_FORMAT));
        return new Operations(blocks, drain, format, read.bool(Setting.SELF_TEST_PAGE));
    }
}
