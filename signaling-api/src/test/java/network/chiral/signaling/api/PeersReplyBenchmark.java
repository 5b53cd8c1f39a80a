package network.chiral.signaling.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the {@code peers} reply to one newcomer costs with 10000 peers registered and the
 * default list limit of 1000: listing the first ids of a concurrent map of 10000 (as the
 * one-node directory does), putting the caller's id first (as the protocol does) and encoding
 * the reply. Encoded three ways: through JSON-B binding, as every reply was before; with the
 * codec when the listing after the caller is the one the previous reply had (the usual case in
 * a storm: a full listing only changes when a listed id leaves); and with the codec when every
 * reply's listing differs. A JMH benchmark, run by hand (see docs/benchmarks.md), never by the build.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PeersReplyBenchmark extends ByHandBenchmark {
    private static final int REGISTERED = 10_000;
    private static final int LIMIT = 1000;

    private final ConcurrentHashMap<String, Object> directory = new ConcurrentHashMap<>();
    private SignalCodec codec;
    private Jsonb jsonb;
    private List<String> other;
    private long newcomer;
    private boolean flip;

    @Setup
    public void setUp() {
        codec = new SignalCodec();
        jsonb = JsonbBuilder.create(new JsonbConfig().withFormatting(false));
        for (int i = 0; i < REGISTERED; i++) {
            directory.put("peer-" + Long.toString(i * 2654435761L, 36), Boolean.TRUE);
        }
        other = new ArrayList<>(listing());
        other.set(LIMIT / 2, "someone-else");
    }

    @TearDown
    public void tearDown() throws Exception {
        codec.close();
        jsonb.close();
    }

    /** The directory's listing: the first {@link #LIMIT} ids of the map. */
    private List<String> listing() {
        List<String> ids = new ArrayList<>(LIMIT);
        for (String id : directory.keySet()) {
            if (ids.size() >= LIMIT) {
                break;
            }
            ids.add(id);
        }
        return ids;
    }

    /** The reply's ids: the caller's first, then the listing without it, up to the limit. */
    private Peers reply(List<String> listed) {
        String caller = "newcomer-" + newcomer++;
        List<String> ids = new ArrayList<>(LIMIT);
        ids.add(caller);
        for (String id : listed) {
            if (ids.size() >= LIMIT) {
                break;
            }
            ids.add(id);
        }
        return new Peers(ids, REGISTERED);
    }

    /** As every reply was encoded before: JSON-B binding. */
    @Benchmark
    public String jsonB() {
        return jsonb.toJson(reply(listing()));
    }

    /** The codec, the listing after the caller's id unchanged since the last reply. */
    @Benchmark
    public String listingUnchanged() {
        return codec.encode(reply(listing()));
    }

    /** The codec, every reply's listing different from the last one's. */
    @Benchmark
    public String listingChanged() {
        flip = !flip;
        return codec.encode(reply(flip ? listing() : other));
    }
}
