package network.chiral.signaling.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real program (a servlet container, nginx) run as a child process of the test: its output
 * is collected line by line for assertions and failure messages, and {@link #close} stops it
 * with SIGTERM, then SIGKILL if it does not go within a bound.
 */
final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::readOutput, name + "-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code command} in {@code directory} with the inherited environment minus the
     * server's own settings, plus {@code environment}.
     */
    static ChildProcess start(String name, List<String> command, Path directory, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("SIGNALING_") || k.equals("PORT") || k.equals("RUST_LOG"));
        builder.environment().putAll(environment);
        return new ChildProcess(name, builder.start());
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(output closed: " + e + ")");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process has written so far. */
    List<String> output() {
        return List.copyOf(output);
    }

    /** The output for a failure message. */
    String describe() {
        return name + (process.isAlive() ? " (running)" : " (exited " + process.exitValue() + ")") + " output:\n"
                + String.join("\n", output);
    }

    /** Sends SIGTERM without waiting. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit and returns its exit code. */
    int awaitExit(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + ": " + describe());
        }
        return process.exitValue();
    }

    /** SIGTERM, as an operator's stop would send; SIGKILL after ten seconds. */
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
