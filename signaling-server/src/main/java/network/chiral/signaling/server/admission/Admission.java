package network.chiral.signaling.server.admission;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import network.chiral.signaling.server.config.AdmissionSettings;

/**
 * Which upgrades are let in: the origin policy, the total and per-address caps on open sockets
 * and the per-address rate of attempts. The web layer asks {@link #admit} before upgrading; the
 * domain reports each socket's {@link #opened} and {@link #closed}. No limit applies unless its
 * setting is non-zero.
 *
 * <p>{@link #admit} reads the counts; {@link #opened} enforces the caps again atomically, since
 * two upgrades from one address can pass the first check together.
 */
public final class Admission {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final AdmissionSettings settings;
    private final OriginPolicy origins;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Map<String, Bucket> attempts = new ConcurrentHashMap<>();

    public Admission(AdmissionSettings settings) {
        this.settings = settings;
        this.origins = new OriginPolicy(settings.allowedOrigins(), settings.allowMissingOrigin());
    }

    /**
     * Whether an upgrade from {@code address} with this {@code Origin} header may proceed. Counts
     * the attempt against the address's per-minute allowance.
     *
     * @param origin  the {@code Origin} header, or {@code null}
     * @param address the client's address as {@code ClientAddress} resolves it
     * @return the refusal, or empty to proceed
     */
    public Optional<AdmissionRefusal> admit(String origin, String address) {
        if (!origins.allows(origin)) {
            return Optional.of(new AdmissionRefusal(AdmissionRefusal.FORBIDDEN, "origin",
                    origin == null ? "an Origin header is required" : "origin not allowed", 0));
        }
        if (settings.connectionsPerIpPerMinute() > 0) {
            ConsumptionProbe probe = attemptsOf(address).tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()));
                return Optional.of(new AdmissionRefusal(AdmissionRefusal.TOO_MANY_REQUESTS, "connection-rate",
                        "too many connection attempts from this address; retry later", wait));
            }
        }
        int max = settings.maxConnections();
        if (max > 0 && total.get() >= max) {
            return Optional.of(new AdmissionRefusal(AdmissionRefusal.SERVICE_UNAVAILABLE, "max-connections",
                    "the server is at its connection limit; retry later", 5));
        }
        int perIp = settings.maxConnectionsPerIp();
        if (perIp > 0 && countOf(address) >= perIp) {
            return Optional.of(new AdmissionRefusal(AdmissionRefusal.TOO_MANY_REQUESTS, "max-connections-per-ip",
                    "too many open connections from this address", 5));
        }
        return Optional.empty();
    }

    /**
     * A socket from {@code address} has opened. Returns the refusal when it is over a cap after
     * all (two upgrades raced past {@link #admit}); the caller then closes it and still reports
     * {@link #closed}.
     */
    public Optional<AdmissionRefusal> opened(String address) {
        int count = total.incrementAndGet();
        int fromAddress = perAddress.merge(address, 1, Integer::sum);
        if (settings.maxConnections() > 0 && count > settings.maxConnections()) {
            return Optional.of(new AdmissionRefusal(AdmissionRefusal.SERVICE_UNAVAILABLE, "max-connections",
                    "the server is at its connection limit", 5));
        }
        if (settings.maxConnectionsPerIp() > 0 && fromAddress > settings.maxConnectionsPerIp()) {
            return Optional.of(new AdmissionRefusal(AdmissionRefusal.TOO_MANY_REQUESTS, "max-connections-per-ip",
                    "too many open connections from this address", 5));
        }
        return Optional.empty();
    }

    /** A socket reported to {@link #opened} has closed. */
    public void closed(String address) {
        total.decrementAndGet();
        perAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    /** Open sockets from {@code address}. */
    public int countOf(String address) {
        return perAddress.getOrDefault(address, 0);
    }

    /**
     * Forgets addresses whose attempt allowance has fully refilled, so that the map holds only
     * addresses seen within about a minute.
     */
    public void sweep() {
        long capacity = settings.connectionsPerIpPerMinute();
        attempts.values().removeIf(bucket -> bucket.getAvailableTokens() >= capacity);
    }

    private Bucket attemptsOf(String address) {
        int perMinute = settings.connectionsPerIpPerMinute();
        return attempts.computeIfAbsent(address, a -> Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, MINUTE))
                .build());
    }
}
