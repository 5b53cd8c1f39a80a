package network.chiral.signaling.server.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * The executable jar's text logging, set up in code: one line per event on standard output,
 * Jetty at WARN, credentials masked. Logback finds it through {@code META-INF/services}. Set up
 * in code rather than from a {@code logback.xml} because reading XML loads Logback's Joran
 * configurator and the JDK's XML parser, about 400 classes and 3 MB of resident memory that
 * the server never uses again.
 *
 * <p>An operator's own configuration still wins: with {@code -Dlogback.configurationFile} set,
 * or a {@code logback.xml} or {@code logback-test.xml} on the class path, Logback reads that
 * instead, as it would without this class.
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {
    /**
     * The line format. Credentials never reach the log, whoever logs them: token query
     * parameters and bearer headers are masked in messages (Jetty's included).
     */
    public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - "
            + "%replace(%msg){'(?i)([?&](access_)?token=)[^&\\s\"]+|(bearer\\s+)[^\\s\"]+', '$1$3(redacted)'}"
            + "%replace( %kvp){'^ $', ''}%n%ex";

    /** Public, with no arguments: Logback instantiates it through the service loader. */
    public ConsoleLogging() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || resource("logback-test.xml") || resource("logback.xml")) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        context.getStatusManager().add(new NopStatusListener());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        // Cluster mode logs Redis loss and recovery itself; Lettuce would add a line per reconnect attempt.
        context.getLogger("io.lettuce.core.protocol.ConnectionWatchdog").setLevel(Level.ERROR);
        context.getLogger("io.lettuce.core.protocol.ReconnectionHandler").setLevel(Level.ERROR);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stdout);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static boolean resource(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ConsoleLogging.class.getClassLoader();
        }
        return loader.getResource(name) != null;
    }
}
