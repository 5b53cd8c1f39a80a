package network.chiral.signaling.server.peer;

import java.time.Duration;
import java.util.function.LongSupplier;

import io.github.bucket4j.Bandwidth;
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

    private final Limits limits;
    private final Bucket messages;
    /** Made at the first message over the rate: most sockets never need it. */
    private volatile Bucket drops;
    private final Bucket registrations;

    /** One socket's allowance, cut from its node's {@link Limits}. */
    public Allowance(Limits limits) {
        this.limits = limits;
        this.messages = limits.messages() == null ? null : limits.bucket(limits.messages());
        this.registrations = limits.registrations() == null ? null : limits.bucket(limits.registrations());
    }

    /**
     * The limits every socket's allowance is cut from, built once per node: Bucket4j's
     * bandwidths are immutable and shared by all the sockets' buckets, so each socket keeps only
     * its buckets' state.
     *
     * @param messages      messages per second with their burst; {@code null} when off
     * @param drops         how many messages over the rate a socket may send per minute before
     *                      it is cut off; {@code null} when the rate is off
     * @param registrations new ids per minute; {@code null} when off
     * @param time          the server's monotonic clock, which the buckets refill by
     */
    public record Limits(Bandwidth messages, Bandwidth drops, Bandwidth registrations, TimeMeter time) {

        /** The limits {@code settings} set, refilled by {@code nanoClock}. */
        public static Limits of(RateSettings settings, LongSupplier nanoClock) {
            int rate = settings.messagesPerSecond();
            int burst = settings.burst();
            int perMinute = settings.registrationsPerMinute();
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
            return new Limits(
                    rate == 0 ? null : Bandwidth.builder().capacity(burst).refillGreedy(rate, SECOND).build(),
                    // A client that overshoots once (a burst of candidates) loses a few messages;
                    // one that keeps sending past its allowance has used this up within a minute.
                    rate == 0 ? null : Bandwidth.builder().capacity(burst).refillGreedy(burst, MINUTE).build(),
                    perMinute == 0 ? null : Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, MINUTE).build(),
                    time);
        }

        Bucket bucket(Bandwidth bandwidth) {
            return Bucket.builder().addLimit(bandwidth).withCustomTimePrecision(time).build();
        }
    }

    /** Takes one message from the allowance. */
    public Decision message() {
        if (messages == null || messages.tryConsume(1)) {
            return Decision.ACCEPT;
        }
        Bucket over = drops;
        if (over == null) {
            // Full when made, as it would be had it been made with the socket: only messages over
            // the rate take from it, and this is the first.
            over = limits.bucket(limits.drops());
            drops = over;
        }
        return over.tryConsume(1) ? Decision.DROP : Decision.CUT_OFF;
    }

    /** Takes one registration of a new id; {@code false} when none is left this minute. */
    public boolean registration() {
        return registrations == null || registrations.tryConsume(1);
    }
}
