package network.chiral.signaling.api;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What relaying one 1.5 KB offer costs in the codec: decoding it and encoding it stamped, on
 * the codec's streaming path and, for comparison, through JSON-B binding as configured in the
 * codec. A JMH benchmark, run by hand (see docs/benchmarks.md), never by the build.
 */
public class SignalCodecBenchmark extends ByHandBenchmark {
    private SignalCodec codec;
    private Jsonb jsonb;
    private String frame;

    @Setup
    public void setUp() {
        codec = new SignalCodec();
        jsonb = JsonbBuilder.create(new JsonbConfig()
                .withFormatting(false)
                .withDeserializers(new StrictScalars.StrictString(), new StrictScalars.StrictLong()));
        String sdp = "v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\n" + "a=candidate:x\\r\\n".repeat(90);
        frame = "{\"type\":\"offer\",\"to\":\"bob\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"" + sdp + "\"}}";
    }

    @TearDown
    public void tearDown() throws Exception {
        codec.close();
        jsonb.close();
    }

    /** The server's path: decode, stamp {@code from}, encode. */
    @Benchmark
    public String relayStreaming() throws MalformedMessageException {
        Offer offer = (Offer) codec.decode(frame);
        return codec.encode(offer.withFrom("alice"));
    }

    /** The same through JSON-B binding, as every relay went before the streaming path. */
    @Benchmark
    public String relayJsonB() {
        Offer offer = jsonb.fromJson(frame, Offer.class);
        return jsonb.toJson(offer.withFrom("alice"));
    }
}
