package network.chiral.signaling.server.embedded;

import java.io.PrintStream;
import java.net.BindException;
import java.net.URL;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;

import network.chiral.signaling.server.Version;
import network.chiral.signaling.server.config.CommandLine;
import network.chiral.signaling.server.config.InvalidSettingException;
import network.chiral.signaling.server.config.LogFormat;
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
        if (settings.operations().logFormat() == LogFormat.JSON) {
            useJsonLogs();
        }
        setLogLevel(settings.logLevel());

        SignalingServer server;
        try {
            server = SignalingServer.start(settings);
        } catch (InvalidSettingException e) {
            // A TLS file that is missing, unreadable or unusable: configuration, like a bad value.
            System.err.println("signaling-server: " + e.getMessage());
            System.exit(2);
            return;
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

    /** Replaces the text configuration ({@link ConsoleLogging}) with the JSON one. */
    private static void useJsonLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        URL json = Main.class.getResource("/logback-json.xml");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        try {
            configurator.doConfigure(json);
        } catch (JoranException e) {
            throw new IllegalStateException("logback-json.xml is broken", e);
        }
    }

    /**
     * First SIGTERM/SIGINT: drain (see {@code Node.drain}), then stop. A second one ends
     * the drain's wait at once: the remaining sockets get 1001 and the server stops. A third
     * exits without waiting for anything.
     */
    @SuppressWarnings("removal")
    private static void stopOnSignals(SignalingServer server) {
        AtomicInteger signals = new AtomicInteger();
        sun.misc.SignalHandler handler = signal -> {
            int count = signals.incrementAndGet();
            if (count == 2) {
                LOG.warn("second {} while draining: closing the remaining sockets now", signal.getName());
                server.cutDrain();
                return;
            }
            if (count > 2) {
                LOG.warn("{} again while stopping: exiting now", signal.getName());
                Runtime.getRuntime().halt(0);
            }
            LOG.info("{} received: draining, then stopping", signal.getName());
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
