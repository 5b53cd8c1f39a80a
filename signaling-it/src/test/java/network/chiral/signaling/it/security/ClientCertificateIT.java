package network.chiral.signaling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import network.chiral.signaling.it.fixture.WorkDirectories;
import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.SecureClients;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.ServerTarget;
import network.chiral.signaling.it.fixture.TestCertificates;
import network.chiral.signaling.it.fixture.TlsProbe;

/**
 * Client certificates on the executable jar's native TLS: a certificate from the configured
 * CA authenticates its socket and binds it to its CN; under {@code need} a handshake without
 * one, or with an expired, not yet valid, foreign, wrongly purposed or revoked one, is refused;
 * under {@code want} a socket without one falls back to an API key; the CA bundle and the CRL
 * are reloaded without a restart; unusable files stop the jar with exit 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCertificateIT {
    private final TestCertificates ca = TestCertificates.newAuthority();
    private final TestCertificates foreign = TestCertificates.newAuthority();
    private Path directory;
    private TestCertificates.Issued serverCertificate;
    private TestCertificates.Client revoked;
    private ServerProcess server;

    @BeforeAll
    void start() throws Exception {
        directory = WorkDirectories.fresh("client-certificates");
        serverCertificate = ca.issue(directory.resolve("server"), TestCertificates.KeyForm.EC_PKCS8);
        revoked = ca.issueClient(directory.resolve("clients"), "revoked-" + PeerClient.newId());
        server = ServerProcess.start(settings("need", ca.writeAuthority(directory.resolve("ca.pem")),
                ca.writeCrl(directory.resolve("ca.crl"), revoked.serial())));
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Map<String, String> settings(String mode, Path authorities, Path crl) {
        Map<String, String> environment = new HashMap<>(ServerTarget.SUITE_SETTINGS);
        environment.put("PORT", "0");
        environment.put("SIGNALING_TLS_CERT_FILE", serverCertificate.fullChain().toString());
        environment.put("SIGNALING_TLS_KEY_FILE", serverCertificate.privateKey().toString());
        environment.put("SIGNALING_TLS_RELOAD_SECONDS", "1");
        environment.put("SIGNALING_TLS_CLIENT_AUTH", mode);
        environment.put("SIGNALING_TLS_CLIENT_CA_FILE", authorities.toString());
        if (crl != null) {
            environment.put("SIGNALING_TLS_CLIENT_CRL_FILE", crl.toString());
        }
        return environment;
    }

    private static URI uri(ServerProcess process) {
        return URI.create("wss://127.0.0.1:" + process.port() + "/");
    }

    /** Connects presenting {@code certificate}, runs {@code test} on the socket, and stops the client. */
    private void withSocket(ServerProcess process, TestCertificates.Client certificate, URI uri,
                            java.util.function.Consumer<PeerClient> test) throws Exception {
        WebSocketClient client = certificate == null ? SecureClients.trusting(ca) : SecureClients.presenting(ca, certificate);
        client.start();
        try (PeerClient peer = PeerClient.connect(client, uri)) {
            test.accept(peer);
        } finally {
            client.stop();
        }
    }

    @Test
    void aCertificateFromTheCaRegistersItsCnAndNoOtherId() throws Exception {
        String name = "alice-" + PeerClient.newId();
        TestCertificates.Client alice = ca.issueClient(directory.resolve("clients"), name);
        withSocket(server, alice, uri(server), peer -> {
            assertThat(peer.register(name).getJsonArray("peers").getString(0)).isEqualTo(name);
            peer.send("{\"type\":\"register\",\"clientId\":\"mallory\"}");
            assertThat(peer.nextError("forbidden")).isEqualTo("this token may only register the id it was issued for");
            // Still registered under its own name.
            assertThat(peer.register(name).getJsonArray("peers").getString(0)).isEqualTo(name);
        });
    }

    @Test
    void withoutACertificateTheHandshakeIsRefused() {
        assertThat(TlsProbe.health(ca, null, server.port())).startsWith("refused");
        TestCertificates.Client good = ca.issueClient(directory.resolve("clients"), "control-" + PeerClient.newId());
        assertThat(TlsProbe.health(ca, good, server.port())).isEqualTo("HTTP/1.1 200 OK");
    }

    /** Each kind of certificate the server must refuse at the handshake. */
    enum Bad {
        EXPIRED, NOT_YET_VALID, FROM_ANOTHER_CA, SERVER_ONLY_PURPOSE, NO_SIGNATURE_KEY_USAGE, REVOKED
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void aBadCertificateIsRefusedAtTheHandshake(Bad kind) {
        Path clients = directory.resolve("clients");
        Instant now = Instant.now();
        TestCertificates.ClientSpec spec = TestCertificates.ClientSpec.of("bad-" + kind.name().toLowerCase());
        TestCertificates.Client certificate = switch (kind) {
            case EXPIRED -> ca.issueClient(clients, spec.valid(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
            case NOT_YET_VALID -> ca.issueClient(clients, spec.valid(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2))));
            case FROM_ANOTHER_CA -> foreign.issueClient(clients, spec);
            case SERVER_ONLY_PURPOSE -> ca.issueClient(clients, spec.purpose(KeyPurposeId.id_kp_serverAuth));
            case NO_SIGNATURE_KEY_USAGE -> ca.issueClient(clients, spec.keyUsage(KeyUsage.keyAgreement));
            case REVOKED -> revoked;
        };
        assertThat(TlsProbe.health(ca, certificate, server.port())).as(kind.name()).startsWith("refused");
        // Nor does a WebSocket open with it.
        assertThat(opens(certificate, uri(server))).as(kind.name()).isFalse();
    }

    private boolean opens(TestCertificates.Client certificate, URI uri) {
        try {
            withSocket(server, certificate, uri, peer -> { });
            return true;
        } catch (AssertionError e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theCrlAndTheCaBundleAreReloadedWithoutARestart() throws Exception {
        Path own = Files.createDirectories(directory.resolve("reload"));
        Path authorities = ca.writeAuthority(own.resolve("ca.pem").toAbsolutePath());
        Path crl = ca.writeCrl(own.resolve("ca.crl"));
        TestCertificates.Client carol = ca.issueClient(own, "carol");
        TestCertificates second = TestCertificates.newAuthority();
        TestCertificates.Client dave = second.issueClient(own, "dave");
        try (ServerProcess reloading = ServerProcess.start(settings("need", authorities, crl))) {
            assertThat(TlsProbe.health(ca, carol, reloading.port())).isEqualTo("HTTP/1.1 200 OK");
            assertThat(TlsProbe.health(ca, dave, reloading.port())).startsWith("refused");

            ca.writeCrl(crl, carol.serial());
            Await.until("carol's revocation is in force", Duration.ofSeconds(20),
                    () -> TlsProbe.health(ca, carol, reloading.port()).startsWith("refused"));

            // A second CA joins the bundle, with its CRL beside the first one's.
            Files.writeString(crl, Files.readString(crl) + Files.readString(second.writeCrl(own.resolve("second.crl"))));
            Files.writeString(authorities, ca.authorityPem() + second.authorityPem());
            Await.until("the second CA's client is let in", Duration.ofSeconds(20),
                    () -> TlsProbe.health(ca, dave, reloading.port()).equals("HTTP/1.1 200 OK"));
            assertThat(TlsProbe.health(ca, carol, reloading.port())).startsWith("refused");
            assertThat(reloading.output()).anyMatch(l -> l.contains("TLS certificate reloaded"));
        }
    }

    @Test
    void underWantASocketWithoutACertificateMayUseAnApiKey() throws Exception {
        Map<String, String> environment = settings("want", ca.writeAuthority(directory.resolve("want-ca.pem")), null);
        environment.put("SIGNALING_AUTH_API_KEYS", "want-key");
        try (ServerProcess wanting = ServerProcess.start(environment)) {
            WebSocketClient plain = SecureClients.trusting(ca);
            plain.start();
            try {
                assertThat(PeerClient.refusedUpgrade(plain, uri(wanting), new ClientUpgradeRequest())).isEqualTo(401);
                try (PeerClient keyed = PeerClient.connect(plain, URI.create(uri(wanting) + "?token=want-key"))) {
                    String any = PeerClient.newId();
                    assertThat(keyed.register(any).getJsonArray("peers").getString(0)).isEqualTo(any);
                }
            } finally {
                plain.stop();
            }
            String name = "erin-" + PeerClient.newId();
            withSocket(wanting, ca.issueClient(directory.resolve("clients"), name), uri(wanting), peer -> {
                peer.register(name);
                peer.send("{\"type\":\"register\",\"clientId\":\"someone-else\"}");
                peer.nextError("forbidden");
            });
            // A certificate that fails verification is refused even under want.
            TestCertificates.Client stranger = foreign.issueClient(directory.resolve("clients"), "stranger");
            assertThat(TlsProbe.health(ca, stranger, wanting.port())).startsWith("refused");
            assertThat(TlsProbe.health(ca, null, wanting.port())).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void unusableFilesStopTheJarWithOneLineAndExit2() throws Exception {
        Path bad = directory.resolve("bad");
        Files.createDirectories(bad);
        Path notPem = Files.writeString(bad.resolve("notes.txt"), "hello\n");
        Path leafOnly = ca.issueClient(bad, "leaf").certificateFile();
        Path foreignCrl = foreign.writeCrl(bad.resolve("foreign.crl"));
        Path authorities = ca.writeAuthority(bad.resolve("ca.pem"));
        Map<Map<String, String>, String> cases = Map.of(
                Map.of("SIGNALING_TLS_CLIENT_AUTH", "need"),
                "SIGNALING_TLS_CLIENT_AUTH=need with native TLS needs SIGNALING_TLS_CLIENT_CA_FILE",
                Map.of("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_CA_FILE", bad.resolve("missing.pem").toString()),
                "SIGNALING_TLS_CLIENT_CA_FILE=" + bad.resolve("missing.pem") + ": no such file",
                Map.of("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_CA_FILE", notPem.toString()),
                "SIGNALING_TLS_CLIENT_CA_FILE=" + notPem + ": not a PEM certificate bundle",
                Map.of("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_CA_FILE", leafOnly.toString()),
                "SIGNALING_TLS_CLIENT_CA_FILE=" + leafOnly + ": CN=leaf is not a CA certificate",
                Map.of("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_CA_FILE", authorities.toString(),
                        "SIGNALING_TLS_CLIENT_CRL_FILE", foreignCrl.toString()),
                "SIGNALING_TLS_CLIENT_CRL_FILE=" + foreignCrl + ": the CRL of ",
                Map.of("SIGNALING_TLS_CLIENT_AUTH", "need", "SIGNALING_TLS_CLIENT_CA_FILE", authorities.toString(),
                        "SIGNALING_TLS_CLIENT_CRL_FILE", notPem.toString()),
                "SIGNALING_TLS_CLIENT_CRL_FILE=" + notPem + ": ",
                Map.of("SIGNALING_TLS_CLIENT_AUTH", "sometimes"),
                "SIGNALING_TLS_CLIENT_AUTH='sometimes': expected none, want or need");
        for (Map.Entry<Map<String, String>, String> c : cases.entrySet()) {
            Map<String, String> environment = new HashMap<>(c.getKey());
            environment.put("PORT", "0");
            environment.put("SIGNALING_TLS_CERT_FILE", serverCertificate.fullChain().toString());
            environment.put("SIGNALING_TLS_KEY_FILE", serverCertificate.privateKey().toString());
            try (ServerProcess process = ServerProcess.launch(environment)) {
                assertThat(process.awaitExit(Duration.ofSeconds(30))).as("exit code for %s", c.getKey()).isEqualTo(2);
                assertThat(process.output()).as("output for %s", c.getKey())
                        .singleElement().asString().startsWith("signaling-server: " + c.getValue());
            }
        }
    }

    @Test
    void theStartUpLineStatesTheClientCertificateSettings() {
        assertThat(server.output()).anyMatch(l -> l.contains("SIGNALING_TLS_CLIENT_AUTH=need")
                && l.contains("SIGNALING_TLS_CLIENT_ID=cn") && l.contains("SIGNALING_TLS_CLIENT_CA_FILE=")
                && l.contains("SIGNALING_TLS_CLIENT_CRL_FILE="));
    }
}
