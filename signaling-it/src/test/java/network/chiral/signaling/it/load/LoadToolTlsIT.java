package network.chiral.signaling.it.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import network.chiral.signaling.load.LoadOptions;
import network.chiral.signaling.load.LoadReport;
import network.chiral.signaling.load.LoadRun;
import network.chiral.signaling.load.Storm;
import network.chiral.signaling.load.StormReport;
import network.chiral.signaling.load.floor.FloorRelay;

/**
 * The load tool over {@code wss://}: against a relay with a self-signed certificate made by the
 * JDK's keytool, trusted with {@code --ca-file} or {@code --insecure}, and refused with neither.
 */
class LoadToolTlsIT {
    private static final Path DIR = Path.of("target", "load-tls-it");
    private static final Path KEYSTORE = DIR.resolve("relay.p12");
    private static final Path CA = DIR.resolve("relay.pem");
    private static final String PASSWORD = "changeit";

    @BeforeAll
    static void makeCertificate() throws Exception {
        Files.createDirectories(DIR);
        Files.deleteIfExists(KEYSTORE);
        Files.deleteIfExists(CA);
        keytool("-genkeypair", "-alias", "relay", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", KEYSTORE.toString(), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "relay", "-keystore", KEYSTORE.toString(), "-storepass", PASSWORD,
                "-file", CA.toString());
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    private static FloorRelay tlsRelay() throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(KEYSTORE.toString());
        tls.setKeyStorePassword(PASSWORD);
        tls.setKeyStoreType("PKCS12");
        return FloorRelay.start("127.0.0.1", 0, tls);
    }

    private static LoadReport run(String... args) throws Exception {
        try (LoadRun run = new LoadRun(LoadOptions.parse(args),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            return run.run();
        }
    }

    @Test
    void trustsTheAuthorityGivenWithCaFile() throws Exception {
        try (FloorRelay relay = tlsRelay()) {
            LoadReport report = run("--url", "wss://127.0.0.1:" + relay.port() + "/", "--ca-file", CA.toString(),
                    "--pairs", "2", "--rate", "200", "--duration", "1s", "--idle", "3");

            assertThat(report.errors()).isEmpty();
            assertThat(report.opened()).isEqualTo(7);
            assertThat(report.relayed()).isPositive();
        }
    }

    @Test
    void aStormOverWssRegistersEveryClient() throws Exception {
        try (FloorRelay relay = tlsRelay()) {
            LoadOptions options = LoadOptions.parse("--url", "wss://127.0.0.1:" + relay.port() + "/", "--ca-file",
                    CA.toString(), "--storm", "100", "--connect-concurrency", "20");
            try (Storm storm = new Storm(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
                StormReport report = storm.connectAll();

                assertThat(report.secure()).isTrue();
                assertThat(report.registered()).isEqualTo(100);
                assertThat(report.failed()).isZero();
                assertThat(report.errors()).isEmpty();
                assertThat(report.format()).contains("chiral over wss", "registered          100, 0 failed");
            }
        }
    }

    @Test
    void insecureTrustsAnyCertificate() throws Exception {
        try (FloorRelay relay = tlsRelay()) {
            LoadReport report = run("--url", "wss://127.0.0.1:" + relay.port() + "/", "--insecure",
                    "--pairs", "2", "--duration", "1s");

            assertThat(report.errors()).isEmpty();
            assertThat(report.relayed()).isPositive();
        }
    }

    @Test
    void anUntrustedCertificateFailsEveryConnection() throws Exception {
        try (FloorRelay relay = tlsRelay()) {
            LoadReport report = run("--url", "wss://127.0.0.1:" + relay.port() + "/", "--pairs", "1",
                    "--duration", "500ms");

            assertThat(report.opened()).isZero();
            assertThat(report.failed()).isEqualTo(2);
            assertThat(report.relayed()).isZero();
        }
    }
}
