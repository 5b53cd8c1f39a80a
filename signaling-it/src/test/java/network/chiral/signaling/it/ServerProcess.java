package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real executable jar, started as a child process with {@code java -jar}. Its output is
 * written to a file and read line by line; the port is read from its start-up line, so it can
 * bind port 0.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+)");
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;

    private ServerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
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
        return launch(command, environment);
    }

    /**
     * Runs {@code command} with these environment variables (the server's own variables are
     * cleared first). Output goes to a file under target/, which also keeps it for a failed
     * build to be read.
     */
    static ServerProcess launch(List<String> command, Map<String, String> environment) throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "process-logs"));
        Path log = Files.createTempFile(logs, "server-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SIGNALING_") || k.equals("PORT") || k.equals("RUST_LOG"));
        builder.environment().putAll(environment);
        return new ServerProcess(builder.start(), log);
    }

    /** Runs the jar and waits until it listens. */
    static ServerProcess start(Map<String, String> environment, String... args) throws IOException {
        ServerProcess server = launch(environment, args);
        server.awaitListening();
        return server;
    }

    void awaitListening() {
        Await.until("the server listens", START_TIMEOUT, () -> port() > 0 || !process.isAlive());
        if (port() < 0) {
            fail("server exited before listening: " + String.join("\n", output()));
        }
    }

    /** The port from the start-up line, or -1 before it is written. */
    int port() {
        for (String line : output()) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }

    long pid() {
        return process.pid();
    }

    /** Everything the process has written so far, line by line. */
    List<String> output() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the process to exit and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("process still running after " + timeout + "; output: " + output());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM, as systemd and docker stop do. */
    void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL: the process gets no chance to clean up. */
    void kill() {
        process.destroyForcibly();
    }

    /**
     * Sends SIGSTOP: the process reads nothing any more, yet every connection it holds stays
     * open, as for a node cut off by a network partition that resets nothing.
     */
    void freeze() {
        signal("STOP");
    }

    /** Sends SIGCONT: a frozen process carries on. */
    void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).inheritIO().start();
            assertThat(kill.waitFor(5, TimeUnit.SECONDS)).as("kill -%s finished", name).isTrue();
            assertThat(kill.exitValue()).as("kill -%s exit code", name).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            // A frozen process would not act on SIGTERM.
            signal("CONT");
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
