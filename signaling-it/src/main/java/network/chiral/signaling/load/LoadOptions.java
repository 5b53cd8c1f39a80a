package network.chiral.signaling.load;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What one load run does, from the command line.
 *
 * @param url         the server's WebSocket URL ({@code ws://} or {@code wss://})
 * @param protocol    which dialect to speak
 * @param pairs       peer pairs exchanging offer/answer round trips
 * @param rate        relayed messages per second to offer (two per round trip); 0 for as fast as possible
 * @param duration    how long to measure, after the warm-up
 * @param warmup      how long to run the load before measuring
 * @param payloadBytes approximate size of each relayed frame
 * @param idle        registered connections that stay idle during the run
 * @param window      round trips each pair keeps in flight when {@code rate} is 0
 * @param connectConcurrency most handshakes in progress at once
 * @param insecure    for {@code wss://}: trust any certificate (self-signed test servers)
 * @param caFile      for {@code wss://}: PEM file of the certificate authority to trust, or {@code null}
 * @param deflate     offer the {@code permessage-deflate} extension in every handshake, as browsers do
 * @param storm       when above 0: instead of relaying, this many clients connect and register at once,
 *                    {@code connectConcurrency} handshakes at a time (a reconnect storm)
 * @param reconnect   with {@code storm}: once registered, wait for the server to drop the clients (a
 *                    restart) and time how long they take to register again with the same ids,
 *                    within {@code duration}
 */
public record LoadOptions(URI url, Protocol protocol, int pairs, int rate, Duration duration, Duration warmup,
                          int payloadBytes, int idle, int window, int connectConcurrency, boolean insecure,
                          Path caFile, boolean deflate, int storm, boolean reconnect) {

    /** Options with every default, for {@code url}. */
    public static LoadOptions defaults(URI url) {
        return new LoadOptions(url, Protocol.CHIRAL, 50, 0, Duration.ofSeconds(30), Duration.ZERO, 1500, 0, 8, 64,
                false, null, false, 0, false);
    }

    public LoadOptions {
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("--url must start with ws:// or wss://, got " + url);
        }
        requireAtLeast("--pairs", pairs, 0);
        requireAtLeast("--rate", rate, 0);
        requireAtLeast("--payload", payloadBytes, 0);
        requireAtLeast("--idle", idle, 0);
        requireAtLeast("--window", window, 1);
        requireAtLeast("--connect-concurrency", connectConcurrency, 1);
        requireAtLeast("--storm", storm, 0);
        if (reconnect && storm == 0) {
            throw new IllegalArgumentException("--reconnect needs --storm N");
        }
        if (duration.isNegative() || warmup.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    private static void requireAtLeast(String flag, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(flag + " must be at least " + min + ", got " + value);
        }
    }

    /** Whether the run paces round trips ({@code rate > 0}) or goes as fast as it can. */
    public boolean fixedRate() {
        return rate > 0;
    }

    /** Whether this run is a connection storm rather than a relay load. */
    public boolean stormRun() {
        return storm > 0;
    }

    public LoadOptions withRate(int newRate) {
        return new LoadOptions(url, protocol, pairs, newRate, duration, warmup, payloadBytes, idle, window,
                connectConcurrency, insecure, caFile, deflate, storm, reconnect);
    }

    public LoadOptions withTiming(Duration newWarmup, Duration newDuration) {
        return new LoadOptions(url, protocol, pairs, rate, newDuration, newWarmup, payloadBytes, idle, window,
                connectConcurrency, insecure, caFile, deflate, storm, reconnect);
    }

    public LoadOptions withShape(Protocol newProtocol, int newPairs, int newIdle) {
        return new LoadOptions(url, newProtocol, newPairs, rate, duration, warmup, payloadBytes, newIdle, window,
                connectConcurrency, insecure, caFile, deflate, storm, reconnect);
    }

    /** A storm of {@code clients} at {@code concurrency} handshakes at a time, with or without the reconnect. */
    public LoadOptions withStorm(int clients, int concurrency, boolean andReconnect) {
        return new LoadOptions(url, protocol, pairs, rate, duration, warmup, payloadBytes, idle, window,
                concurrency, insecure, caFile, deflate, clients, andReconnect);
    }

    /** The usage text. */
    public static String usage() {
        return """
                Usage: java -jar signaling-load.jar --url ws://HOST:PORT/ [options]
                       java -jar signaling-load.jar floor [--host H] [--port P]
                       java -jar signaling-load.jar bench [--smoke] [see bench/run-benchmark.sh]

                Load options:
                  --url URL               server WebSocket URL, ws:// or wss:// (required)
                  --protocol P            chiral (default) or peerjs
                  --pairs N               peer pairs exchanging offer/answer round trips (default 50)
                  --rate N|max            relayed messages per second, two per round trip (default max)
                  --duration D            measured time, e.g. 30s, 2m, 500ms (default 30s)
                  --warmup D              load before measuring starts (default 0s)
                  --payload BYTES         size of each relayed frame (default 1500)
                  --idle N                extra registered connections kept idle (default 0)
                  --window N              round trips in flight per pair at --rate max (default 8)
                  --connect-concurrency N handshakes in progress at once (default 64)
                  --insecure              wss: trust any certificate
                  --ca-file PEM           wss: trust this certificate authority
                  --permessage-deflate    offer permessage-deflate in each handshake, as browsers do
                  --help                  this text

                Storm options (instead of relaying):
                  --storm N               N clients connect and register, --connect-concurrency at a time;
                                          reports the time until all are registered, handshake latency
                                          percentiles and failures
                  --reconnect             then wait (up to --duration) for the server to drop them, as a
                                          restart does, and time how long they take to register again
                                          with the same ids (refused attempts are retried every 250 ms)
                """;
    }

    /**
     * Parses command-line flags.
     *
     * @throws IllegalArgumentException naming the flag that is missing or wrong
     */
    public static LoadOptions parse(String... args) {
        URI url = null;
        Protocol protocol = Protocol.CHIRAL;
        int pairs = 50;
        int rate = 0;
        Duration duration = Duration.ofSeconds(30);
        Duration warmup = Duration.ZERO;
        int payload = 1500;
        int idle = 0;
        int window = 8;
        int concurrency = 64;
        boolean insecure = false;
        Path caFile = null;
        boolean deflate = false;
        int storm = 0;
        boolean reconnect = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String inline = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                inline = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            if (flag.equals("--insecure")) {
                insecure = true;
                continue;
            }
            if (flag.equals("--permessage-deflate")) {
                deflate = true;
                continue;
            }
            if (flag.equals("--reconnect")) {
                reconnect = true;
                continue;
            }
            String value = inline;
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                value = args[++i];
            }
            switch (flag) {
                case "--url" -> url = uri(value);
                case "--protocol" -> protocol = protocol(value);
                case "--pairs" -> pairs = integer(flag, value);
                case "--rate" -> rate = value.equalsIgnoreCase("max") ? 0 : integer(flag, value);
                case "--duration" -> duration = duration(flag, value);
                case "--warmup" -> warmup = duration(flag, value);
                case "--payload" -> payload = integer(flag, value);
                case "--idle" -> idle = integer(flag, value);
                case "--window" -> window = integer(flag, value);
                case "--connect-concurrency" -> concurrency = integer(flag, value);
                case "--ca-file" -> caFile = Path.of(value);
                case "--storm" -> storm = integer(flag, value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new LoadOptions(url, protocol, pairs, rate, duration, warmup, payload, idle, window, concurrency,
                insecure, caFile, deflate, storm, reconnect);
    }

    private static URI uri(String value) {
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--url is not a URL: " + value);
        }
    }

    private static Protocol protocol(String value) {
        try {
            return Protocol.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--protocol must be chiral or peerjs, got " + value);
        }
    }

    private static int integer(String flag, String value) {
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number, got " + value);
        }
    }

    /** {@code 30s}, {@code 2m}, {@code 500ms} or a bare number of seconds. */
    static Duration duration(String flag, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
            }
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a duration such as 30s, 2m or 500ms, got " + value);
        }
    }
}
