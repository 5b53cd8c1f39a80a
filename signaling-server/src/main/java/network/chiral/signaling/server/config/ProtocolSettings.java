package network.chiral.signaling.server.config;

import java.time.Duration;

/**
 * How the protocol treats clients that reconnect and peers that come and go.
 *
 * @param takeoverProbe how long the holder of an id another socket registers has to show it
 *                      is alive before the newcomer takes the id over; zero: never
 * @param peersPush     least time between two peer lists pushed to a socket; zero: no pushes
 * @param peersPushLimit most ids in a pushed list
 * @param resume        how long the id of a resumable socket that dropped waits for its next
 *                      socket, relays to it held; zero: never
 */
public record ProtocolSettings(Duration takeoverProbe, Duration peersPush, int peersPushLimit, Duration resume) {

    static ProtocolSettings read(SettingReader read) {
        return new ProtocolSettings(Duration.ofMillis(read.integer(Setting.TAKEOVER_PROBE_MILLIS, 0, 60_000)),
                Duration.ofMillis(read.integer(Setting.PEERS_PUSH_MILLIS, 0, 3_600_000)),
                read.integer(Setting.PEERS_PUSH_LIMIT, 1, 1_000_000),
                Duration.ofSeconds(read.integer(Setting.RESUME_SECONDS, 0, 3600)));
    }
}
