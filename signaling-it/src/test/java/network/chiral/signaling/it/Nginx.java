package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real nginx (the system's package) as a child process, running docs/nginx/signaling.conf
 * with only its ports, certificate paths and upstream replaced, and its pid, logs and temp
 * files under target/.
 */
final class Nginx implements AutoCloseable {
    private final ChildProcess process;
    private final int httpPort;
    private final int httpsPort;

    private Nginx(ChildProcess process, int httpPort, int httpsPort) {
        this.process = process;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
    }

    /** The configuration file the docs ship. */
    static Path shippedConfiguration() {
        Path conf = Path.of(System.getProperty("signaling.docs", "../docs"), "nginx", "signaling.conf");
        assertThat(Files.isRegularFile(conf)).as("nginx configuration at %s", conf).isTrue();
        return conf;
    }

    /** Starts nginx proxying to the server on {@code upstreamPort} with this certificate. */
    static Nginx start(int upstreamPort, TestCertificates.Issued certificate) throws IOException {
        Path nginx = Path.of("/usr/sbin/nginx");
        assertThat(Files.isExecutable(nginx)).as("nginx installed (apt-get install -y nginx; .ci/run does it)").isTrue();
        Path directory = NativeTlsIT.workDirectory("nginx");
        int httpPort = Ports.free();
        int httpsPort = Ports.free();

        String shipped = Files.readString(shippedConfiguration());
        String rendered = shipped
                .replace("listen 80;", "listen " + httpPort + ";")
                .replace("listen [::]:80;", "listen [::]:" + httpPort + ";")
                .replace("listen 443 ssl", "listen " + httpsPort + " ssl")
                .replace("listen [::]:443 ssl", "listen [::]:" + httpsPort + " ssl")
                .replace("/etc/letsencrypt/live/signaling.example.com/fullchain.pem", certificate.fullChain().toString())
                .replace("/etc/letsencrypt/live/signaling.example.com/privkey.pem", certificate.privateKey().toString())
                .replace("server 127.0.0.1:9000;", "server 127.0.0.1:" + upstreamPort + ";");
        assertThat(rendered).as("every templated value was found in the shipped file")
                .doesNotContain("listen 80;", "listen 443 ", "listen [::]:443 ", "/etc/letsencrypt", ":9000;");
        if (!ipv6()) {
            // A machine without IPv6 cannot bind [::]; the IPv4 listeners are the ones tested.
            rendered = rendered.replaceAll("(?m)^\\s*listen \\[::]:.*$", "");
        }
        Files.writeString(directory.resolve("signaling.conf"), rendered);

        String main = String.join("\n",
                // Workers of a root master would otherwise run as nobody, who cannot enter target/.
                "root".equals(System.getProperty("user.name")) ? "user root;" : "",
                "daemon off;",
                "worker_processes 1;",
                "pid " + directory.resolve("nginx.pid") + ";",
                "error_log stderr notice;",
                "events { worker_connections 1024; }",
                "http {",
                "  access_log " + directory.resolve("access.log") + ";",
                "  client_body_temp_path " + directory.resolve("client_body") + ";",
                "  proxy_temp_path " + directory.resolve("proxy") + ";",
                "  fastcgi_temp_path " + directory.resolve("fastcgi") + ";",
                "  uwsgi_temp_path " + directory.resolve("uwsgi") + ";",
                "  scgi_temp_path " + directory.resolve("scgi") + ";",
                "  include " + directory.resolve("signaling.conf") + ";",
                "}",
                "");
        Path conf = directory.resolve("nginx.conf");
        Files.writeString(conf, main);

        ChildProcess process = ChildProcess.start("nginx", List.of(nginx.toString(), "-p", directory + "/",
                "-e", "stderr", "-c", conf.toString()), directory, Map.of());
        Nginx started = new Nginx(process, httpPort, httpsPort);
        try {
            Await.until("nginx listens on " + httpsPort, Duration.ofSeconds(20), () -> {
                if (!process.isAlive()) {
                    fail("nginx exited: " + process.describe());
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", httpsPort), 500);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (AssertionError | RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    private static boolean ipv6() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.bind(new InetSocketAddress("::", 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    int httpPort() {
        return httpPort;
    }

    int httpsPort() {
        return httpsPort;
    }

    ChildProcess process() {
        return process;
    }

    /** SIGTERM: nginx's fast shutdown. */
    @Override
    public void close() {
        try {
            process.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
