package network.chiral.signaling.api;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What {@code permessage-deflate} would cost a server per relayed 1.5 KB offer: inflating the
 * frame that came in and deflating the one that goes out, each socket keeping its compressor's
 * window between frames (the extension's default, which browsers ask for). The frames differ in
 * their random parts (ICE credentials, fingerprint, ports) as real offers do. Done with
 * {@code java.util.zip} as Jetty's and Tomcat's extensions do. Put next to
 * {@link SignalCodecBenchmark} to see why the server declines the extension (docs/protocol.md).
 * A JMH benchmark, run by hand (see docs/benchmarks.md), never by the build. On a shared,
 * busy machine JMH's wall-clock times mostly measure the queue for a core; {@link #main} times
 * the same operations in this thread's CPU time instead.
 */
public class PermessageDeflateBenchmark extends ByHandBenchmark {
    /** The bytes every compressed frame ends with under SYNC_FLUSH, left off on the wire (RFC 7692). */
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private byte[][] frames;
    private int next;
    private Deflater alone;
    private Deflater sender;
    private Inflater receiver;
    private Deflater relay;
    private final byte[] compressed = new byte[8192];
    private final byte[] plain = new byte[8192];
    private final byte[] out = new byte[8192];

    @Setup
    public void setUp() {
        Random random = new Random(7);
        frames = new byte[64][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = offer(random).getBytes(StandardCharsets.UTF_8);
        }
        alone = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        sender = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        receiver = new Inflater(true);
        relay = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    }

    @TearDown
    public void tearDown() {
        alone.end();
        sender.end();
        receiver.end();
        relay.end();
    }

    /** One frame as a client would compress it: the part of each op that is not the server's. */
    @Benchmark
    public int clientDeflateOnly() {
        return deflate(alone, frames[next++ & 63], compressed);
    }

    /** The client's deflate, then the server's inflate of it and deflate of the relayed frame. */
    @Benchmark
    public int clientDeflateThenServerInflateAndDeflate() throws DataFormatException {
        int n = deflate(sender, frames[next++ & 63], compressed);
        System.arraycopy(TAIL, 0, compressed, n, TAIL.length);
        receiver.setInput(compressed, 0, n + TAIL.length);
        int length = receiver.inflate(plain);
        return deflate(relay, java.util.Arrays.copyOf(plain, length), out);
    }

    /**
     * Per relayed frame, in this thread's CPU time: the server's part of the deflate path and,
     * for comparison, the codec's relay ({@link SignalCodecBenchmark#relayStreaming}).
     */
    public static void main(String[] args) throws Exception {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        PermessageDeflateBenchmark deflate = new PermessageDeflateBenchmark();
        deflate.setUp();
        SignalCodecBenchmark codec = new SignalCodecBenchmark();
        codec.setUp();
        int n = 20000;
        long sink = 0;
        for (int round = 1; round <= 6; round++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += deflate.clientDeflateOnly();
            }
            long t1 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += deflate.clientDeflateThenServerInflateAndDeflate();
            }
            long t2 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += codec.relayStreaming().length();
            }
            long t3 = cpu.getCurrentThreadCpuTime();
            System.out.printf(java.util.Locale.ROOT, "round %d: server inflate + deflate %.1f us, codec relay %.1f us%n",
                    round, ((t2 - t1) - (t1 - t0)) / 1e3 / n, (t3 - t2) / 1e3 / n);
        }
        deflate.tearDown();
        codec.tearDown();
        System.out.println("the first rounds include JIT compilation; checksum " + (sink & 0xff));
    }

    private static int deflate(Deflater deflater, byte[] input, byte[] into) {
        deflater.setInput(input);
        int n = deflater.deflate(into, 0, into.length, Deflater.SYNC_FLUSH);
        return n - TAIL.length;
    }

    /** An offer of about 1.5 KB shaped like a browser's, with its random parts drawn anew. */
    private static String offer(Random random) {
        String sdp = "v=0\\r\\no=- " + Math.abs(random.nextLong()) + " 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n"
                + "a=group:BUNDLE 0 1\\r\\na=extmap-allow-mixed\\r\\na=msid-semantic: WMS\\r\\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\\r\\nc=IN IP4 0.0.0.0\\r\\n"
                + "a=rtcp:9 IN IP4 0.0.0.0\\r\\na=ice-ufrag:" + token(random, 4) + "\\r\\na=ice-pwd:" + token(random, 24)
                + "\\r\\na=ice-options:trickle\\r\\na=fingerprint:sha-256 " + fingerprint(random)
                + "\\r\\na=setup:actpass\\r\\na=mid:0\\r\\na=sendrecv\\r\\na=rtcp-mux\\r\\n"
                + "a=rtpmap:111 opus/48000/2\\r\\na=fmtp:111 minptime=10;useinbandfec=1\\r\\n"
                + "a=candidate:" + random.nextInt(1 << 30) + " 1 udp 2122260223 192.168." + random.nextInt(255) + "."
                + random.nextInt(255) + " " + (49152 + random.nextInt(16000)) + " typ host generation 0\\r\\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\\r\\nc=IN IP4 0.0.0.0\\r\\na=ice-ufrag:"
                + token(random, 4) + "\\r\\na=ice-pwd:" + token(random, 24) + "\\r\\na=ice-options:trickle\\r\\n"
                + "a=fingerprint:sha-256 " + fingerprint(random) + "\\r\\na=setup:actpass\\r\\na=mid:1\\r\\n"
                + "a=sctp-port:5000\\r\\na=max-message-size:262144\\r\\n";
        StringBuilder frame = new StringBuilder("{\"type\":\"offer\",\"from\":\"alice\",\"to\":\"bob\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"")
                .append(sdp);
        while (frame.length() < 1480) {
            frame.append("a=ssrc:").append(random.nextInt(1 << 30)).append(" cname:").append(token(random, 16)).append("\\r\\n");
        }
        return frame.append("\"}}").toString();
    }

    private static String token(Random random, int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < length; i++) {
            token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return token.toString();
    }

    private static String fingerprint(Random random) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            hex.append(i == 0 ? "" : ":").append(String.format("%02X", random.nextInt(256)));
        }
        return hex.toString();
    }
}
