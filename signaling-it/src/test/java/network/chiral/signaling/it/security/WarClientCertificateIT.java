package network.chiral.signaling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URI;
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
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.Ports;
import network.chiral.signaling.it.fixture.SecureClients;
import network.chiral.signaling.it.fixture.ServerTarget;
import network.chiral.signaling.it.fixture.ServletContainer;
import network.chiral.signaling.it.fixture.TestCertificates;
import network.chiral.signaling.it.fixture.TlsProbe;

/**
 * Client certificates in the WAR under a real Tomcat 10.1 whose TLS connector verifies them
 * ({@code certificateVerification="required"}, the client CA as its trust store, a CRL): the
 * WAR reads the certificate Tomcat verified and binds the socket to its CN, with the same rules
 * as the jar. Tomcat refuses the handshake without a valid certificate; the plain HTTP
 * connector, where no certificate can come, answers 401 under {@code need}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarClientCertificateIT {
    private static final String TRUST_PASSWORD = "changeit";

    private final TestCertificates ca = TestCertificates.newAuthority();
    private final TestCertificates foreign = TestCertificates.newAuthority();
    private Path directory;
    private TestCertificates.Client revoked;
    private ServletContainer tomcat;
    private int httpsPort;

    @BeforeAll
    void start() throws Exception {
        directory = WorkDirectories.fresh("war-client-certificates");
        TestCertificates.Issued server = ca.issue(directory.resolve("server"), TestCertificates.KeyForm.EC_PKCS8);
        revoked = ca.issueClient(directory, "revoked");
        Path crl = ca.writeCrl(directory.resolve("client-ca.crl"), revoked.serial());
        Path trustStore = directory.resolve("client-ca.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            ca.trustStore().store(out, TRUST_PASSWORD.toCharArray());
        }
        httpsPort = Ports.free();
        String connector = String.join("\n",
                "<Connector port=\"" + httpsPort + "\" address=\"127.0.0.1\" protocol=\"org.apache.coyote.http11.Http11NioProtocol\"",
                "    SSLEnabled=\"true\" sslImplementationName=\"org.apache.tomcat.util.net.jsse.JSSEImplementation\">",
                "  <SSLHostConfig protocols=\"TLSv1.2+TLSv1.3\" certificateVerification=\"required\"",
                "      truststoreFile=\"" + trustStore + "\" truststorePassword=\"" + TRUST_PASSWORD + "\" truststoreType=\"PKCS12\"",
                "      certificateRevocationListFile=\"" + crl + "\">",
                "    <Certificate certificateFile=\"" + server.fullChain() + "\" certificateKeyFile=\""
                        + server.privateKey() + "\" type=\"EC\"/>",
                "  </SSLHostConfig>",
                "</Connector>",
                "");
        Map<String, String> environment = new HashMap<>(ServerTarget.SUITE_SETTINGS);
        environment.put("SIGNALING_TLS_CLIENT_AUTH", "need");
        tomcat = ServletContainer.start(ServletContainer.Kind.TOMCAT_10, environment, xml -> {
            assertThat(xml).contains("</Service>");
            return xml.replace("</Service>", connector + "</Service>");
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    private URI secure() {
        return URI.create("wss://127.0.0.1:" + httpsPort + "/" + ServletContainer.CONTEXT + "/");
    }

    private String health(TestCertificates.Client certificate) {
        return TlsProbe.get(ca, certificate, httpsPort, "/" + ServletContainer.CONTEXT + "/health");
    }

    @Test
    void aCertificateTomcatVerifiedRegistersItsCnAndNoOtherId() throws Exception {
        SecureClients.registersOnlyItsName(ca, directory, secure());
    }

    @Test
    void withoutACertificateNothingOpens() throws Exception {
        assertThat(health(null)).startsWith("refused");
        assertThat(health(ca.issueClient(directory, "control"))).isEqualTo("HTTP/1.1 200 ");
        WebSocketClient plain = new WebSocketClient();
        plain.start();
        try {
            assertThat(PeerClient.refusedUpgrade(plain, tomcat.webSocketUri(), new ClientUpgradeRequest())).isEqualTo(401);
        } finally {
            plain.stop();
        }
    }

    @Test
    void expiredRevokedAndForeignCertificatesAreRefused() {
        Instant now = Instant.now();
        TestCertificates.ClientSpec spec = TestCertificates.ClientSpec.of("bad");
        assertThat(health(revoked)).as("revoked").startsWith("refused");
        assertThat(health(ca.issueClient(directory, spec.valid(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))))))
                .as("expired").startsWith("refused");
        assertThat(health(foreign.issueClient(directory, spec))).as("another CA").startsWith("refused");
    }
}
