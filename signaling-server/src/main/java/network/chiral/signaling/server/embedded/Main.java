package network.chiral.signaling.server.embedded;

import java.io.PrintStream;
import java.net.BindException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;

import network.chiral.signaling.server.Version;
import network.chiral.signaling.server.config.CommandLine;
import network.chiral.signaling.server.config.InvalidSettingException;
import network.chiral.signaling.server.config.Settings;

/**
 * {@code java -jar signaling-server.jar}: reads flags and environment, starts the server and
 * stops it gracefully on SIGTERM or SIGINT. Exit codes: 0 after a clean stop, 1 when the
 * server cannot start, 2 for bad configuration.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        Settings settings;
        try {
            CommandLine command = CommandLine.parse(args);
            if (command.help()) {
                out.print(CommandLine.usage());
                return;
            }
            if (command.version()) {
                out.println("signaling-server " + Version.current());
                return;
            }
            settings = Settings.load(command.over(System::getenv));
        } catch (InvalidSettingException e) {
            System.err.println("signaling-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        setLogLevel(settings.logLevel());

        SignalingServer server;
        try {
            server = SignalingServer.start(settings);
        } catch (Exception e) {
            BindException bind = bindFailure(e);
            if (bind != null) {
                LOG.error("cannot listen on {}:{}: {}", settings.host(), settings.port(), bind.getMessage());
            } else {
                LOG.error("the server failed to start", e);
            }
            System.exit(1);
            return;
        }
        LOG.info("signaling-server {} listening on {}:{} ({})", Version.current(), settings.host(), server.port(),
                settings.describe());
        stopOnSignals(server);
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("stopped");
        System.exit(0);
    }

    /** Jetty wraps the bind failure; an operator only needs to know the port is taken. */
    private static BindException bindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }

    private static void setLogLevel(String level) {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
    }

    /**
     * First SIGTERM/SIGINT: graceful stop (sockets get 1001, then Jetty stops). A second one
     * while stopping: exit at once.
     */
    @SuppressWarnings("removal")
    private static void stopOnSignals(SignalingServer server) {
        AtomicBoolean stopping = new AtomicBoolean();
        sun.misc.SignalHandler handler = signal -> {
            if (!stopping.compareAndSet(false, true)) {
                LOG.warn("second {} while stopping: exiting now", signal.getName());
                Runtime.getRuntime().halt(0);
            }
            LOG.info("{} received: closing sockets and stopping", signal.getName());
            Thread stopper = new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    LOG.error("error while stopping", e);
                    Runtime.getRuntime().halt(1);
                }
            }, "signaling-stop");
            stopper.start();
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
    }
}
