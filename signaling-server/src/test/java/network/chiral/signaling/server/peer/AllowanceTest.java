package network.chiral.signaling.server.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.server.config.RateSettings;
import network.chiral.signaling.server.peer.Allowance.Decision;

class AllowanceTest {
    private final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(1000));

    private Allowance.Limits limits(int perSecond, int burst, int registrationsPerMinute) {
        return Allowance.Limits.of(new RateSettings(perSecond, burst, registrationsPerMinute), now::get);
    }

    @Test
    void messagesWithinTheBurstAreAccepted() {
        Allowance allowance = new Allowance(limits(10, 3, 0));

        assertThat(allowance.message()).isEqualTo(Decision.ACCEPT);
        assertThat(allowance.message()).isEqualTo(Decision.ACCEPT);
        assertThat(allowance.message()).isEqualTo(Decision.ACCEPT);
    }

    @Test
    void messagesOverTheRateAreDroppedThenTheSocketIsCutOff() {
        Allowance allowance = new Allowance(limits(10, 2, 0));
        allowance.message();
        allowance.message();

        assertThat(allowance.message()).isEqualTo(Decision.DROP);
        assertThat(allowance.message()).isEqualTo(Decision.DROP);
        assertThat(allowance.message()).isEqualTo(Decision.CUT_OFF);
    }

    @Test
    void theRateRefillsWithTheClock() {
        Allowance allowance = new Allowance(limits(10, 1, 0));
        allowance.message();
        assertThat(allowance.message()).isEqualTo(Decision.DROP);

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));

        assertThat(allowance.message()).isEqualTo(Decision.ACCEPT);
    }

    @Test
    void socketsCutFromOneNodesLimitsKeepTheirOwnAllowance() {
        Allowance.Limits shared = limits(10, 1, 1);
        Allowance first = new Allowance(shared);
        Allowance second = new Allowance(shared);

        assertThat(first.message()).isEqualTo(Decision.ACCEPT);
        assertThat(first.registration()).isTrue();

        assertThat(second.message()).isEqualTo(Decision.ACCEPT);
        assertThat(second.registration()).isTrue();
        assertThat(first.registration()).isFalse();
    }

    @Test
    void aZeroSettingSwitchesItsLimitOff() {
        Allowance allowance = new Allowance(limits(0, 1, 0));

        for (int i = 0; i < 1000; i++) {
            assertThat(allowance.message()).isEqualTo(Decision.ACCEPT);
            assertThat(allowance.registration()).isTrue();
        }
    }
}
