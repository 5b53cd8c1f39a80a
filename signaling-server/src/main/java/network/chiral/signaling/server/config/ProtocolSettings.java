package network.chiral.signaling.server.config;

import java.time.Duration;

/**
 * How the protocol treats clients that reconnect and peers that come and go.
 *
 * @param takeoverProbe how long the holder of an id another socket registers has to show it
 *                      is alive before the newcomer takes the id over; zero: never
 */
public record ProtocolSettings(Duration takeoverProbe) {

    static ProtocolSettings read(SettingReader read) {
        return new ProtocolSettings(Duration.ofMillis(read.integer(Setting.TAKEOVER_PROBE_MILLIS, 0, 60_000)));
    }
}
