package network.chiral.signaling.server.door;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Refused upgrades are logged at most once a second per reason, and the lines left out are counted. */
class RefusalLogTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> lines = new ArrayList<>();
    private final RefusalLog log = new RefusalLog(now::get,
            (reason, remote, suppressed) -> lines.add(reason + " " + remote + " " + suppressed));

    private void later(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void theFirstRefusalOfAReasonIsLoggedAtOnce() {
        log.refused("draining", "10.0.0.1");

        assertThat(lines).containsExactly("draining 10.0.0.1 0");
    }

    @Test
    void aStormOfRefusalsWithinASecondIsOneLineAndTheNextLineCountsTheRest() {
        for (int i = 0; i < 5000; i++) {
            log.refused("draining", "10.0.0." + (i % 250));
            later(0);
        }
        later(999);
        log.refused("draining", "10.0.0.9");
        assertThat(lines).hasSize(1);

        later(1);
        log.refused("draining", "10.0.0.7");

        assertThat(lines).containsExactly("draining 10.0.0.0 0", "draining 10.0.0.7 5000");
    }

    @Test
    void eachReasonHasItsOwnSecond() {
        log.refused("draining", "10.0.0.1");
        log.refused("origin", "10.0.0.2");
        log.refused("origin", "10.0.0.3");
        log.refused("unauthorized", "10.0.0.4");

        assertThat(lines).containsExactly("draining 10.0.0.1 0", "origin 10.0.0.2 0", "unauthorized 10.0.0.4 0");
    }

    @Test
    void refusalsASecondApartAreEachLogged() {
        for (int i = 0; i < 3; i++) {
            log.refused("connection-rate", "10.0.0.1");
            later(1000);
        }

        assertThat(lines).containsExactly("connection-rate 10.0.0.1 0", "connection-rate 10.0.0.1 0",
                "connection-rate 10.0.0.1 0");
    }
}
