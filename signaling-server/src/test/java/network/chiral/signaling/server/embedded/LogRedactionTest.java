package network.chiral.signaling.server.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;

/** The console pattern ({@link ConsoleLogging}) masks credentials in any logger's message. */
class LogRedactionTest {

    private static String format(String message) throws Exception {
        String pattern = ConsoleLogging.PATTERN;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(pattern);
        layout.start();
        Logger logger = context.getLogger("org.eclipse.jetty.server.HttpChannel");
        return layout.doLayout(new LoggingEvent(Logger.class.getName(), logger, Level.WARN, message, null, null));
    }

    @Test
    void tokensInQueryStringsAndBearerHeadersAreMasked() throws Exception {
        String line = format("bad request GET /?token=eyJhbGciOiJIUzI1NiJ9.e30.c2ln&x=1 HTTP/1.1 "
                + "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln2 and /p?a=b&access_token=secret1");
        assertThat(line).doesNotContain("eyJ", "c2ln", "secret1")
                .contains("?token=(redacted)&x=1", "Bearer (redacted)", "&access_token=(redacted)");
    }

    @Test
    void theJsonFormatMasksThemToo() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        ch.qos.logback.classic.joran.JoranConfigurator configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
        configurator.setContext(context);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            configurator.doConfigure(LogRedactionTest.class.getResource("/logback-json.xml"));
            org.slf4j.Logger logger = context.getLogger("org.eclipse.jetty.server.HttpChannel");
            logger.atWarn().addKeyValue("uri", "/?token=eyJhbGciOiJIUzI1NiJ9.e30.c2ln")
                    .log("bad request GET /?token=eyJhbGciOiJIUzI1NiJ9.e30.c2ln&x=1 Authorization: Bearer abc.def");
            context.stop();
        } finally {
            System.setOut(original);
        }
        String line = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(line).contains("\"message\":\"bad request GET /?token=(redacted)&x=1 Authorization: Bearer (redacted)\"")
                .contains("\"uri\":\"/?token=(redacted)\"")
                .doesNotContain("eyJ", "c2ln", "abc.def");
    }

    @Test
    void otherMessagesAreUntouched() throws Exception {
        assertThat(format("registered tokenless peer at /health?x=1")).contains("registered tokenless peer at /health?x=1");
    }
}
