package network.chiral.signaling.it.protocol;

import static network.chiral.signaling.it.fixture.PeerClient.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import network.chiral.signaling.it.fixture.Await;
import network.chiral.signaling.it.fixture.Frames;
import network.chiral.signaling.it.fixture.PeerClient;
import network.chiral.signaling.it.fixture.SecureTarget;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.ServerTarget;
import network.chiral.signaling.it.fixture.TestCertificates;
import network.chiral.signaling.it.fixture.WorkDirectories;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.embedded.SignalingServer;

/**
 * The protocol suite over wss:// against the executable jar serving TLS itself from PEM files
 * (as certbot writes them), with a client that trusts only a CA made for this test; then
 * certificate renewal without a restart, the other key formats, PKCS12, and bad files.
 */
class NativeTlsIT extends ProtocolSuite {
    private final TestCertificates ca = TestCertificates.newAuthority();
    private Path live;
    private ServerProcess server;

    @Override
    protected ServerTarget startTarget() throws Exception {
        live = WorkDirectories.fresh("tls-live");
        TestCertificates.Issued issued = ca.issue(live, TestCertificates.KeyForm.EC_PKCS8);
        server = ServerProcess.start(ServerTarget.suiteSettings(Map.of(
                "SIGNALING_TLS_CERT_FILE", issued.fullChain().toString(),
                "SIGNALING_TLS_KEY_FILE", issued.privateKey().toString(),
                "SIGNALING_TLS_RELOAD_SECONDS", "1")));
        return SecureTarget.onLoopback(server.port(), ca, 0, server);
    }

    /** The serial of the certificate the server presents in a fresh handshake, and the protocol. */
    private static X509Certificate presented(TestCertificates ca, int port, List<String> protocol) throws IOException {
        try (SSLSocket socket = (SSLSocket) ca.clientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout((int) PeerClient.WAIT.toMillis());
            socket.startHandshake();
            protocol.add(socket.getSession().getProtocol());
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        }
    }

    @Test
    void servesTls12OrNewerWithTheConfiguredChain() throws Exception {
        List<String> protocols = new java.util.ArrayList<>();
        X509Certificate first = presented(ca, server.port(), protocols);
        assertThat(first.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(protocols).singleElement().isIn("TLSv1.3", "TLSv1.2");
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestart() throws Exception {
        PeerClient before = connect();
        String id = newId();
        before.register(id);
        BigInteger old = presented(ca, server.port(), new java.util.ArrayList<>()).getSerialNumber();
        // certbot renews by writing new files and moving the live/ links; the result is the same paths with new contents.
        TestCertificates.Issued renewed = ca.issue(live, TestCertificates.KeyForm.EC_PKCS8);
        assertThat(renewed.serial()).isNotEqualTo(old);
        Await.until("the renewed certificate is presented", Duration.ofSeconds(20),
                () -> serialOrNull(ca, server.port()).equals(renewed.serial()));
        assertThat(server.output()).anyMatch(l -> l.contains("TLS certificate reloaded"));
        // A socket opened before the renewal keeps working, and new ones connect.
        assertThat(before.isOpen()).isTrue();
        PeerClient after = connect();
        after.register(newId());
        after.send(Frames.relay("offer", id, Frames.description("offer", "v=0 renewed")));
        assertThat(before.next("offer").getJsonObject("sdp").getString("sdp")).isEqualTo("v=0 renewed");
    }

    private static BigInteger serialOrNull(TestCertificates ca, int port) {
        try {
            return presented(ca, port, new java.util.ArrayList<>()).getSerialNumber();
        } catch (IOException e) {
            return BigInteger.ZERO;
        }
    }

    @ParameterizedTest
    @EnumSource(TestCertificates.KeyForm.class)
    void everyPemKeyFormCertbotOrOpensslWritesIsAccepted(TestCertificates.KeyForm form) throws Exception {
        TestCertificates.Issued issued = ca.issue(WorkDirectories.fresh("tls-" + form), form);
        Map<String, String> settings = ServerTarget.suiteSettings(Map.of(
                "SIGNALING_TLS_CERT_FILE", issued.fullChain().toString(),
                "SIGNALING_TLS_KEY_FILE", issued.privateKey().toString()));
        try (SignalingServer embedded = SignalingServer.start(Settings.load(settings::get))) {
            assertThat(embedded.uri().getScheme()).isEqualTo("wss");
            assertThat(presented(ca, embedded.port(), new java.util.ArrayList<>()).getSerialNumber()).isEqualTo(issued.serial());
        }
    }

    @Test
    void aPkcs12KeystoreServesToo() throws Exception {
        TestCertificates.Issued issued = ca.issue(WorkDirectories.fresh("tls-p12"), TestCertificates.KeyForm.RSA_PKCS8);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", issued.keys().getPrivate(), "s3cret".toCharArray(),
                new Certificate[] {issued.certificate(), ca.certificate()});
        Path file = issued.fullChain().resolveSibling("server.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "s3cret".toCharArray());
        }
        Map<String, String> settings = ServerTarget.suiteSettings(Map.of(
                "SIGNALING_TLS_KEYSTORE_FILE", file.toString(),
                "SIGNALING_TLS_KEYSTORE_PASSWORD", "s3cret"));
        try (SignalingServer embedded = SignalingServer.start(Settings.load(settings::get))) {
            assertThat(presented(ca, embedded.port(), new java.util.ArrayList<>()).getSerialNumber()).isEqualTo(issued.serial());
        }
    }

    @Test
    void missingOrMismatchedFilesStopTheJarWithOneLineAndExit2() throws Exception {
        Path directory = WorkDirectories.fresh("tls-bad");
        TestCertificates.Issued one = ca.issue(directory.resolve("one"), TestCertificates.KeyForm.EC_PKCS8);
        TestCertificates.Issued other = ca.issue(directory.resolve("other"), TestCertificates.KeyForm.EC_PKCS8);
        Path notPem = Files.writeString(directory.resolve("notes.txt"), "hello\n");
        Map<Map<String, String>, String> cases = Map.of(
                Map.of("SIGNALING_TLS_CERT_FILE", directory.resolve("missing.pem").toString(),
                        "SIGNALING_TLS_KEY_FILE", one.privateKey().toString()),
                "SIGNALING_TLS_CERT_FILE=" + directory.resolve("missing.pem") + ": no such file",
                Map.of("SIGNALING_TLS_CERT_FILE", one.fullChain().toString(),
                        "SIGNALING_TLS_KEY_FILE", other.privateKey().toString()),
                "SIGNALING_TLS_KEY_FILE=" + other.privateKey() + ": this key does not belong",
                Map.of("SIGNALING_TLS_CERT_FILE", one.fullChain().toString(),
                        "SIGNALING_TLS_KEY_FILE", notPem.toString()),
                "SIGNALING_TLS_KEY_FILE=" + notPem + ": holds no PEM private key",
                Map.of("SIGNALING_TLS_KEYSTORE_FILE", one.fullChain().toString(),
                        "SIGNALING_TLS_KEYSTORE_PASSWORD", "x"),
                "SIGNALING_TLS_KEYSTORE_FILE=" + one.fullChain());
        for (Map.Entry<Map<String, String>, String> c : cases.entrySet()) {
            Map<String, String> environment = new HashMap<>(c.getKey());
            environment.put("PORT", "0");
            try (ServerProcess bad = ServerProcess.launch(environment)) {
                assertThat(bad.awaitExit(Duration.ofSeconds(30))).as("exit code for %s", c.getKey()).isEqualTo(2);
                assertThat(bad.output()).as("output for %s", c.getKey())
                        .singleElement().asString().startsWith("signaling-server: " + c.getValue());
            }
        }
    }
}
