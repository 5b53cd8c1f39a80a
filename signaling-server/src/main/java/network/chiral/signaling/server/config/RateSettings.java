package network.chiral.signaling.server.config;

/**
 * Per-socket allowances. Zero means no limit.
 *
 * @param messagesPerSecond      average messages per second one socket may send
 * @param burst                  messages one socket may send at once (the bucket size); as many
 *                               drops within a minute close the socket
 * @param registrationsPerMinute new ids one socket may register per minute
 */
public record RateSettings(int messagesPerSecond, int burst, int registrationsPerMinute) {

    static RateSettings read(SettingReader read) {
        return new RateSettings(
                read.integer(Setting.RATE_LIMIT_MESSAGES_PER_SECOND, 0, 1_000_000),
                read.integer(Setting.RATE_LIMIT_BURST, 1, 1_000_000),
                read.integer(Setting.REGISTRATIONS_PER_MINUTE, 0, 1_000_000));
    }
}
