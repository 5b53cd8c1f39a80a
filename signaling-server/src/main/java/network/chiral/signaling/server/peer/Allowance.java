package network.chiral.signaling.server.peer;

import java.time.Duration;
import java.util.function.LongSupplier;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

import network.chiral.signaling.server.config.RateSettings;

/**
 * What one socket may still send: a token bucket for messages, one for the drops it may cause
 * before it is cut off, and one for registering new ids. Each is absent when its setting is 0.
 */
public final class Allowance {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** What {@link #message} decided. */
    public enum Decision {
        /** Within the rate: handle it. */
        ACCEPT,
        /** Over the rate: drop it and say so. */
        DROP,
        /** Over the rate for too long: close the socket. */
        CUT_OFF
    }

    private final Bucket messages;
    private final Bucket drops;
    private final Bucket registrations;

    /**
     * @param settings   the allowances; 0 switches one off
     * @param nanoClock  the server's monotonic clock, which the buckets refill by
     */
    public Allowance(RateSettings settings, LongSupplier nanoClock) {
        int rate = settings.messagesPerSecond();
        int burst = settings.burst();
        TimeMeter time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanoClock.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.messages = rate == 0 ? null : Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(rate, SECOND))
                .withCustomTimePrecision(time)
                .build();
        // A client that overshoots once (a burst of candidates) loses a few messages; one that
        // keeps sending past its allowance has used up this second bucket within a minute.
        this.drops = rate == 0 ? null : Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(burst, MINUTE))
                .withCustomTimePrecision(time)
                .build();
        int perMinute = settings.registrationsPerMinute();
        this.registrations = perMinute == 0 ? null : Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, MINUTE))
                .withCustomTimePrecision(time)
                .build();
    }

    /** Takes one message from the allowance. */
    public Decision message() {
        if (messages == null || messages.tryConsume(1)) {
            return Decision.ACCEPT;
        }
        return drops.tryConsume(1) ? Decision.DROP : Decision.CUT_OFF;
    }

    /** Takes one registration of a new id; {@code false} when none is left this minute. */
    public boolean registration() {
        return registrations == null || registrations.tryConsume(1);
    }
}
