package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real executable jar, started as a child process with {@code java -jar}. Its output is
 * collected line by line; the port is read from its start-up line, so it can bind port 0.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+)");
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private volatile int port = -1;

    private ServerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "server-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** The jar that {@code mvn package} built. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("signaling.jar", "../signaling-server/target/signaling-server.jar"));
        assertThat(Files.isRegularFile(jar)).as("executable jar at %s (run mvn package first)", jar).isTrue();
        return jar;
    }

    /** Runs the jar with these environment variables and arguments, without waiting for it. */
    static ServerProcess launch(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("SIGNALING_") || k.equals("PORT") || k.equals("RUST_LOG"));
        builder.environment().putAll(environment);
        return new ServerProcess(builder.start());
    }

    /** Runs the jar and waits until it listens. */
    static ServerProcess start(Map<String, String> environment, String... args) throws IOException {
        ServerProcess server = launch(environment, args);
        server.awaitListening();
        return server;
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                output.add(line);
                Matcher m = LISTENING.matcher(line);
                if (port < 0 && m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
        } catch (IOException e) {
            output.add("(output closed: " + e + ")");
        }
    }

    void awaitListening() {
        Await.until("the server listens (output: " + output + ")", START_TIMEOUT,
                () -> port > 0 || !process.isAlive());
        if (port < 0) {
            fail("server exited with " + process.exitValue() + " before listening: " + String.join("\n", output));
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    List<String> output() {
        return List.copyOf(output);
    }

    /** Waits for the process to exit and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("server still running after " + timeout + "; output: " + output);
        }
        // Let the reader drain what the process wrote last.
        Await.until("the output is read to the end", Duration.ofSeconds(5),
                () -> output.stream().anyMatch(l -> true) || !process.isAlive());
        return process.exitValue();
    }

    /** Kills the process at once (SIGKILL, as {@code kill -9}): no shutdown hook, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM, as systemd and docker stop do. */
    void terminate() {
        process.destroy();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
