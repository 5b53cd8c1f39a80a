package network.chiral.signaling.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonString;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.Nginx;
import network.chiral.signaling.it.fixture.ServerProcess;

/**
 * There is no Docker engine in CI, so docker/Dockerfile and docker/compose.yaml are checked
 * against the build instead: every path they copy or mount exists, the image runs the jar it
 * copies, and the HEALTHCHECK command really tells a healthy server from a missing one.
 */
class DockerFilesIT {
    private static final Path ROOT = Path.of(System.getProperty("signaling.docs", "../docs")).getParent();

    private static String dockerfile() throws Exception {
        // Continuation lines joined, as Docker reads them.
        return Files.readString(ROOT.resolve("docker/Dockerfile")).replace("\\\n", " ");
    }

    @Test
    void everyPathTheDockerfileCopiesExists() throws Exception {
        String dockerfile = dockerfile();
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(.+) (\\S+)$").matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            for (String source : copy.group(1).trim().split("\\s+")) {
                assertThat(ROOT.resolve(source)).as("COPY source %s", source).exists();
                copies++;
            }
        }
        assertThat(copies).isGreaterThanOrEqualTo(4);
        // The build stage works in /src; the runtime stage copies the jar that mvn package makes there.
        assertThat(dockerfile).contains("WORKDIR /src",
                "COPY --from=build /src/signaling-server/target/signaling-server.jar /app/signaling-server.jar",
                "\"-jar\", \"/app/signaling-server.jar\"]", "USER chiral:chiral", "EXPOSE 9000");
        assertThat(ServerProcess.jar().toAbsolutePath().normalize())
                .isEqualTo(ROOT.resolve("signaling-server/target/signaling-server.jar").toAbsolutePath().normalize());
    }

    @Test
    void everyPathTheComposeFileUsesExists() throws Exception {
        Path docker = ROOT.resolve("docker");
        String compose = Files.readString(docker.resolve("compose.yaml"));
        assertThat(compose).contains("context: ..", "dockerfile: docker/Dockerfile",
                "- ../docs/nginx/signaling.conf:/etc/nginx/conf.d/default.conf:ro");
        assertThat(docker.resolve("..").resolve("docker/Dockerfile")).exists();
        assertThat(docker.resolve("../docs/nginx/signaling.conf")).exists();
        // nginx shares the server's network namespace, so the shipped upstream 127.0.0.1:9000 is right.
        assertThat(Files.readString(Nginx.shippedConfiguration())).contains("server 127.0.0.1:9000;");
        assertThat(compose).contains("network_mode: \"service:signaling\"", "SIGNALING_HOST: 127.0.0.1", "PORT: \"9000\"");
    }

    @Test
    void theHealthcheckPassesOnAHealthyServerAndFailsWithoutOne() throws Exception {
        Matcher healthcheck = Pattern.compile("HEALTHCHECK .*?CMD (\\[.*])").matcher(dockerfile());
        assertThat(healthcheck.find()).isTrue();
        List<String> command = Json.createReader(new StringReader(healthcheck.group(1))).readArray()
                .getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        assertThat(command.get(0)).isEqualTo("bash");

        Map<String, String> environment = new HashMap<>();
        environment.put("PORT", "0");
        environment.put("SIGNALING_HOST", "127.0.0.1");
        int port;
        try (ServerProcess server = ServerProcess.start(environment)) {
            port = server.port();
            assertThat(run(command, port)).as("healthcheck against a running server").isZero();
        }
        assertThat(run(command, port)).as("healthcheck once the server is gone").isNotZero();
    }

    private static int run(List<String> command, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PORT", Integer.toString(port));
        Process process = builder.start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("healthcheck finished").isTrue();
        return process.exitValue();
    }
}
