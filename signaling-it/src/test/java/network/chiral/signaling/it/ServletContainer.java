package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A stock servlet container distribution from Maven Central (unpacked by the build), run as
 * a child process with its own base directory and free ports, with signaling-server.war
 * copied into its webapps folder as {@code signaling.war}, so it serves {@code /signaling/}.
 */
final class ServletContainer implements ServerTarget {
    static final String CONTEXT = "signaling";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** The distributions under test. */
    enum Kind {
        TOMCAT_10("tomcat10.home"),
        TOMCAT_11("tomcat11.home"),
        JETTY_12("jetty12.home");

        private final String homeProperty;

        Kind(String homeProperty) {
            this.homeProperty = homeProperty;
        }

        Path home() {
            String home = System.getProperty(homeProperty);
            assertThat(home).as("system property %s (set by the build)", homeProperty).isNotNull();
            Path path = Path.of(home);
            assertThat(Files.isDirectory(path)).as("%s unpacked at %s", name(), path).isTrue();
            return path;
        }
    }

    private final Kind kind;
    private final Path base;
    private final int port;
    private final ChildProcess process;

    private ServletContainer(Kind kind, Path base, int port, ChildProcess process) {
        this.kind = kind;
        this.base = base;
        this.port = port;
        this.process = process;
    }

    /** The WAR that {@code mvn package} built. */
    static Path war() {
        Path war = Path.of(System.getProperty("signaling.war", "../signaling-server/target/signaling-server.war"));
        assertThat(Files.isRegularFile(war)).as("WAR at %s (run mvn package first)", war).isTrue();
        return war;
    }

    /**
     * Prepares a fresh base directory, deploys the WAR, starts the container with
     * {@code environment} and waits until {@code /signaling/health} answers.
     */
    static ServletContainer start(Kind kind, Map<String, String> environment) throws Exception {
        ServletContainer container = launch(kind, environment);
        try {
            container.awaitHealthy();
        } catch (AssertionError | RuntimeException e) {
            container.close();
            throw e;
        }
        return container;
    }

    /**
     * As {@link #start}, with Tomcat's {@code conf/server.xml} changed by {@code serverXml} after
     * the ports are set (to add a TLS connector, say). Tomcat only.
     */
    static ServletContainer start(Kind kind, Map<String, String> environment, UnaryOperator<String> serverXml)
            throws Exception {
        assertThat(kind).isIn(Kind.TOMCAT_10, Kind.TOMCAT_11);
        ServletContainer container = launch(kind, environment, serverXml);
        try {
            container.awaitHealthy();
        } catch (AssertionError | RuntimeException e) {
            container.close();
            throw e;
        }
        return container;
    }

    /** As {@link #start}, without waiting for the application (for deployments that must fail). */
    static ServletContainer launch(Kind kind, Map<String, String> environment) throws Exception {
        return launch(kind, environment, UnaryOperator.identity());
    }

    private static ServletContainer launch(Kind kind, Map<String, String> environment, UnaryOperator<String> serverXml)
            throws Exception {
        Path home = kind.home();
        Path work = Path.of(System.getProperty("it.work", "target/it-work"));
        Files.createDirectories(work);
        Path base = Files.createTempDirectory(work, kind.name().toLowerCase() + "-");
        int port = Ports.free();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ChildProcess process = switch (kind) {
            case TOMCAT_10, TOMCAT_11 -> startTomcat(home, base, port, java, environment, serverXml);
            case JETTY_12 -> startJetty(home, base, port, java, environment);
        };
        return new ServletContainer(kind, base, port, process);
    }

    /** CATALINA_BASE with the stock conf, the HTTP connector on {@code port}, no shutdown port. */
    private static ChildProcess startTomcat(Path home, Path base, int port, Path java, Map<String, String> environment,
                                            UnaryOperator<String> serverXmlEdit) throws IOException {
        copyTree(home.resolve("conf"), base.resolve("conf"));
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
        Path serverXml = base.resolve("conf/server.xml");
        String xml = Files.readString(serverXml);
        assertThat(xml).contains("port=\"8005\"", "port=\"8080\"");
        Files.writeString(serverXml, serverXmlEdit.apply(xml
                .replace("port=\"8005\"", "port=\"-1\"")
                .replace("port=\"8080\"", "port=\"" + port + "\" address=\"127.0.0.1\"")));
        Files.copy(war(), base.resolve("webapps/" + CONTEXT + ".war"));
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("CATALINA_HOME", home.toString());
        env.put("CATALINA_BASE", base.toString());
        env.put("JAVA_HOME", java.getParent().getParent().toString());
        env.remove("JRE_HOME");
        env.putIfAbsent("CATALINA_OPTS", "");
        env.remove("JAVA_OPTS");
        // catalina.sh execs java for "run", so SIGTERM reaches Tomcat's own shutdown hook.
        return ChildProcess.start("tomcat", List.of("sh", home.resolve("bin/catalina.sh").toString(), "run"), base, env);
    }

    /** A JETTY_BASE with the http, ee10-deploy and ee10-websocket-jakarta modules. */
    private static ChildProcess startJetty(Path home, Path base, int port, Path java, Map<String, String> environment)
            throws Exception {
        String startJar = home.resolve("start.jar").toString();
        try (ChildProcess setup = ChildProcess.start("jetty-setup", List.of(java.toString(), "-jar", startJar,
                "--add-modules=http,ee10-deploy,ee10-websocket-jakarta"), base, Map.of())) {
            Await.until("the jetty base is set up", START_TIMEOUT, () -> !setup.isAlive());
            assertThat(Files.isDirectory(base.resolve("webapps"))).as(setup.describe()).isTrue();
        }
        Files.copy(war(), base.resolve("webapps/" + CONTEXT + ".war"));
        return ChildProcess.start("jetty", List.of(java.toString(), "-jar", startJar,
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + port,
                // Hot (un)deployment, which jetty-home leaves off by default.
                "jetty.deploy.scanInterval=1"), base, environment);
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI health = httpUri().resolve("health");
        Await.until(kind + " serves " + health, START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                fail(kind + " exited before serving the WAR: " + process.describe());
            }
            try {
                return http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    @Override
    public URI webSocketUri() {
        return URI.create("ws://127.0.0.1:" + port + "/" + CONTEXT + "/");
    }

    Kind kind() {
        return kind;
    }

    /** The deployed WAR; deleting it makes the container undeploy the application. */
    Path deployedWar() {
        return base.resolve("webapps/" + CONTEXT + ".war");
    }

    /** Everything under the container's logs/ directory (Tomcat writes application errors there). */
    String logFiles() throws IOException {
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(base.resolve("logs"))) {
            for (Path file : files.toList()) {
                text.append(Files.readString(file));
            }
        }
        return text.toString();
    }

    ChildProcess process() {
        return process;
    }

    @Override
    public void close() throws Exception {
        process.close();
        // Kept for a failure's post-mortem: surefire reports do not include child output.
        Files.write(base.resolve("container-output.log"), process.output());
    }

    @Override
    public String toString() {
        return kind + " on port " + port;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
