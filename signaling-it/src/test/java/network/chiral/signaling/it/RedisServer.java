package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (the Debian package; {@code .ci/run} installs it) as a child
 * process on a port of its own, without persistence: a restart brings it back empty, as a
 * Redis that lost its data would.
 */
final class RedisServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final int port;
    private final List<String> options;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private volatile Process process;

    private RedisServer(int port, List<String> options) {
        this.port = port;
        this.options = options;
    }

    /** Starts Redis on a free port. */
    static RedisServer start() throws IOException {
        RedisServer redis = new RedisServer(freePort(), List.of());
        redis.restart();
        return redis;
    }

    /**
     * Starts Redis speaking TLS only, with this certificate chain and key, and requiring
     * {@code password}; clients need no certificate of their own.
     */
    static RedisServer startTls(Path chain, Path key, String password) throws IOException {
        int port = freePort();
        RedisServer redis = new RedisServer(port, List.of("--port", "0", "--tls-port", String.valueOf(port),
                "--tls-cert-file", chain.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file", chain.toString(),
                "--tls-auth-clients", "no", "--requirepass", password));
        redis.restart();
        return redis;
    }

    /** Starts Redis on {@code port}. */
    static RedisServer startOn(int port) throws IOException {
        RedisServer redis = new RedisServer(port, List.of());
        redis.restart();
        return redis;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** (Re)starts Redis on the same port and waits until it accepts connections. */
    void restart() throws IOException {
        output.clear();
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"));
        // Later options win: a TLS server turns the plain port off.
        command.addAll(options);
        Process started = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .start();
        process = started;
        Thread reader = new Thread(() -> read(started), "redis-output-" + started.pid());
        reader.setDaemon(true);
        reader.start();
        Await.until("redis-server accepts connections on " + port + " (output: " + output + ")", START_TIMEOUT,
                () -> output.stream().anyMatch(l -> l.contains("Ready to accept connections")) || !started.isAlive());
        if (!started.isAlive()) {
            fail("redis-server exited: " + String.join("\n", output));
        }
    }

    private void read(Process from) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(from.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(output closed: " + e + ")");
        }
    }

    /** Changes one setting of the running Redis, as an operator would with {@code redis-cli}. */
    void configure(String parameter, String value) throws IOException, InterruptedException {
        Process cli = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port), "CONFIG", "SET", parameter, value)
                .redirectErrorStream(true).start();
        String reply = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!cli.waitFor(10, TimeUnit.SECONDS) || !reply.equals("OK")) {
            fail("redis-cli CONFIG SET " + parameter + " answered: " + reply);
        }
    }

    /** Kills Redis at once (SIGKILL): every connection to it drops and its data is gone. */
    void kill() throws InterruptedException {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
