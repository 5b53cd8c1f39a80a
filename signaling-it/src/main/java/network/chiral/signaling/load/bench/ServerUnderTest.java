package network.chiral.signaling.load.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import network.chiral.signaling.load.Protocol;

/**
 * One server the benchmark compares, run as its own process so that its CPU time and memory
 * can be read from {@code /proc/<pid>}.
 */
final class ServerUnderTest implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Linux reports CPU times in clock ticks; 100 per second on every common kernel build. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final String name;
    private final Protocol protocol;
    private final List<String> command;
    private final Map<String, String> environment;
    private final int port;
    private final BenchTls tls;
    private Process process;
    private double startupMillis;
    private long startedNanos;

    ServerUnderTest(String name, Protocol protocol, List<String> command, Map<String, String> environment, int port) {
        this(name, protocol, command, environment, port, null);
    }

    /** A server that serves {@code wss://} with {@code tls}'s certificate, or {@code ws://} if it is null. */
    ServerUnderTest(String name, Protocol protocol, List<String> command, Map<String, String> environment, int port,
                    BenchTls tls) {
        this.name = name;
        this.protocol = protocol;
        this.command = command;
        this.environment = environment;
        this.port = port;
        this.tls = tls;
    }

    /** A free loopback port for a server to listen on. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    String name() {
        return name;
    }

    Protocol protocol() {
        return protocol;
    }

    URI url() {
        return URI.create((tls == null ? "ws" : "wss") + "://127.0.0.1:" + port + "/");
    }

    /** The certificate clients must trust, or {@code null} for {@code ws://}. */
    BenchTls tls() {
        return tls;
    }

    /** {@link System#nanoTime} when the process was last started. */
    long startedNanos() {
        return startedNanos;
    }

    List<String> command() {
        return command;
    }

    /**
     * Starts the process and waits until it completes a WebSocket handshake.
     *
     * @return milliseconds from process start to the first accepted connection
     */
    double start() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        long t0 = System.nanoTime();
        startedNanos = t0;
        process = builder.start();
        Thread drain = new Thread(() -> discard(process.getInputStream()), "output-" + name);
        drain.setDaemon(true);
        drain.start();
        URI probe = protocol.probeUri(url());
        HttpClient http = tls == null ? HttpClient.newHttpClient()
                : HttpClient.newBuilder().sslContext(tls.clientContext()).build();
        long deadline = t0 + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before accepting a connection");
            }
            try {
                WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(1))
                        .buildAsync(probe, new WebSocket.Listener() { })
                        .get(2, TimeUnit.SECONDS);
                startupMillis = (System.nanoTime() - t0) / 1e6;
                socket.abort();
                return startupMillis;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
        throw new IOException(name + " accepted no connection within " + START_TIMEOUT);
    }

    private static void discard(InputStream output) {
        byte[] buffer = new byte[8192];
        try (output) {
            while (output.read(buffer) >= 0) {
                // The servers' logs are not part of the measurement.
            }
        } catch (IOException e) {
            // The process has gone.
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /**
     * TCP connections to the server's port that the server has not finished with (any state but
     * LISTEN, TIME_WAIT and CLOSE), from the kernel's own tables: the same count whatever server
     * this is.
     */
    int openConnections() throws IOException {
        String localPort = String.format(Locale.ROOT, ":%04X", port);
        int open = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] fields = line.trim().split("\\s+");
                // local_address is field 1 (ADDR:PORT in hex), st is field 3: 0A LISTEN, 06 TIME_WAIT, 07 CLOSE.
                if (fields.length > 3 && fields[1].endsWith(localPort) && !List.of("0A", "06", "07").contains(fields[3])) {
                    open++;
                }
            }
        }
        return open;
    }

    /** Waits until every connection to the server has closed, or {@code limit} has passed. */
    void awaitNoConnections(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (openConnections() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Resident set size in bytes, from {@code /proc/<pid>/status}. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + name);
    }

    /** User plus system CPU time in seconds, from {@code /proc/<pid>/stat} (fields 14 and 15). */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        // The command name may contain spaces; the fields after its closing parenthesis do not.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /**
     * Stops the process as a deploy does (SIGTERM, waiting for it to exit), then starts it again
     * on the same port.
     *
     * @return milliseconds from the new process's start to its first accepted connection
     */
    double restart() throws IOException, InterruptedException {
        close();
        return start();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            // This server drains for SIGNALING_DRAIN_SECONDS (5) before it closes its sockets and exits.
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
