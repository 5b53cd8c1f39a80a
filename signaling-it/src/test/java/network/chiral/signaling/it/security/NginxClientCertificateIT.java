package network.chiral.signaling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import network.chiral.signaling.it.fixture.WorkDirectories;
import network.chiral.signaling.it.fixture.Nginx;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.SecureClients;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.ServerTarget;
import network.chiral.signaling.it.fixture.TestCertificates;
import network.chiral.signaling.it.fixture.TlsProbe;

/**
 * Client certificates behind a real nginx running docs/nginx/signaling-client-certificates.conf:
 * nginx verifies the certificate against the client CA and its CRL and passes it on; the jar,
 * trusting nginx (127.0.0.1) as a proxy and needing a certificate, binds the socket to its CN.
 * A client cannot pass a certificate of its choosing in the header, through nginx or around it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxClientCertificateIT {
    private final TestCertificates ca = TestCertificates.newAuthority();
    private final TestCertificates foreign = TestCertificates.newAuthority();
    private Path directory;
    private TestCertificates.Client revoked;
    private ServerProcess server;
    private Nginx nginx;

    @BeforeAll
    void start() throws Exception {
        directory = WorkDirectories.fresh("nginx-client-certificates");
        revoked = ca.issueClient(directory, "revoked");
        Map<String, String> environment = new HashMap<>(ServerTarget.SUITE_SETTINGS);
        environment.put("PORT", "0");
        environment.put("SIGNALING_TRUSTED_PROXIES", "127.0.0.1/32");
        environment.put("SIGNALING_TLS_CLIENT_AUTH", "need");
        server = ServerProcess.start(environment);
        try {
            nginx = Nginx.start(Nginx.shippedConfiguration("signaling-client-certificates.conf"), server.port(),
                    ca.issue(directory.resolve("server"), TestCertificates.KeyForm.EC_PKCS8), Map.of(
                            "/etc/nginx/signaling-client-ca.pem", ca.writeAuthority(directory.resolve("client-ca.pem")),
                            "/etc/nginx/signaling-client-ca.crl", ca.writeCrl(directory.resolve("client-ca.crl"), revoked.serial())));
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private URI throughNginx() {
        return URI.create("wss://127.0.0.1:" + nginx.httpsPort() + "/");
    }

    private static String escaped(Path pem) throws Exception {
        return URLEncoder.encode(Files.readString(pem), StandardCharsets.US_ASCII).replace("+", "%20");
    }

    @Test
    void aCertificateNginxVerifiedRegistersItsCnAndNoOtherId() throws Exception {
        SecureClients.registersOnlyItsName(ca, directory, throughNginx());
    }

    @Test
    void withoutAValidCertificateNginxAnswers400() {
        Instant now = Instant.now();
        assertThat(TlsProbe.health(ca, null, nginx.httpsPort())).isEqualTo("HTTP/1.1 400 Bad Request");
        TestCertificates.ClientSpec spec = TestCertificates.ClientSpec.of("bad");
        assertThat(TlsProbe.health(ca, revoked, nginx.httpsPort())).as("revoked").isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(TlsProbe.health(ca, ca.issueClient(directory, spec.valid(now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofDays(1)))), nginx.httpsPort())).as("expired").isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(TlsProbe.health(ca, foreign.issueClient(directory, spec), nginx.httpsPort()))
                .as("another CA").isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(TlsProbe.health(ca, ca.issueClient(directory, "good"), nginx.httpsPort())).isEqualTo("HTTP/1.1 200 OK");
    }

    /** A client with its own certificate names another one in the header: nginx replaces the header. */
    @Test
    void aHeaderTheClientSendsThroughNginxIsReplaced() throws Exception {
        String name = "carol-" + PeerClient.newId();
        TestCertificates.Client bob = ca.issueClient(directory, "bob");
        WebSocketClient client = SecureClients.presenting(ca, ca.issueClient(directory, name));
        client.start();
        try (PeerClient peer = PeerClient.connect(client, throughNginx(), Map.of(
                "X-SSL-Client-Cert", escaped(bob.certificateFile()), "X-SSL-Client-Verify", "SUCCESS"))) {
            peer.send("{\"type\":\"register\",\"clientId\":\"bob\"}");
            peer.nextError("forbidden");
            peer.register(name);
        } finally {
            client.stop();
        }
    }

    /** Around nginx, from an address that is not a trusted proxy, the header gets nothing. */
    @Test
    void aHeaderFromAnUntrustedAddressIsIgnored() throws Exception {
        TestCertificates.Client alice = ca.issueClient(directory, "alice");
        WebSocketClient from2 = new WebSocketClient(new org.eclipse.jetty.client.HttpClient(
                new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connectorFrom("127.0.0.2"))));
        from2.start();
        try {
            ClientUpgradeRequest forged = new ClientUpgradeRequest();
            forged.setHeader("X-SSL-Client-Cert", escaped(alice.certificateFile()));
            forged.setHeader("X-SSL-Client-Verify", "SUCCESS");
            URI direct = URI.create("ws://127.0.0.1:" + server.port() + "/");
            assertThat(PeerClient.refusedUpgrade(from2, direct, forged)).isEqualTo(401);
        } finally {
            from2.stop();
        }
    }

    private static org.eclipse.jetty.io.ClientConnector connectorFrom(String address) {
        org.eclipse.jetty.io.ClientConnector connector = new org.eclipse.jetty.io.ClientConnector();
        connector.setBindAddress(new java.net.InetSocketAddress(address, 0));
        return connector;
    }
}
