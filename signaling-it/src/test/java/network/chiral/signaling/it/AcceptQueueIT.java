package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The listening socket's backlog of the executable jar, as the kernel reports it: {@code ss}
 * shows a listening socket's accept-queue size in its Send-Q column. The JVM's default is 50,
 * which a reconnect storm overflows (dropped SYNs, clients waiting out 1, 3, 7 s retransmits).
 */
class AcceptQueueIT {

    @Test
    void theDefaultAcceptQueueHoldsAReconnectStorm() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1"))) {
            assertThat(listenBacklog(server.port())).isEqualTo(Math.min(4096, somaxconn()));
            assertThat(String.join("\n", server.output())).contains("SIGNALING_ACCEPT_QUEUE=4096");
        }
    }

    @Test
    void theSettingSizesThePlainListener() throws Exception {
        int wanted = Math.min(777, somaxconn());
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                "SIGNALING_ACCEPT_QUEUE", Integer.toString(wanted)))) {
            assertThat(listenBacklog(server.port())).isEqualTo(wanted);
        }
    }

    @Test
    void theFlagSizesTheTlsListener() throws Exception {
        int wanted = Math.min(333, somaxconn());
        TestCertificates.Issued issued = TestCertificates.newAuthority()
                .issue(NativeTlsIT.workDirectory("tls-backlog"), TestCertificates.KeyForm.EC_PKCS8);
        Map<String, String> environment = new HashMap<>();
        environment.put("PORT", "0");
        environment.put("SIGNALING_HOST", "127.0.0.1");
        environment.put("SIGNALING_TLS_CERT_FILE", issued.fullChain().toString());
        environment.put("SIGNALING_TLS_KEY_FILE", issued.privateKey().toString());
        try (ServerProcess server = ServerProcess.start(environment, "--accept-queue", Integer.toString(wanted))) {
            assertThat(listenBacklog(server.port())).isEqualTo(wanted);
        }
    }

    @Test
    void aValueOutOfRangeStopsTheServerWithExitCode2() throws Exception {
        try (ServerProcess server = ServerProcess.launch(Map.of("PORT", "0", "SIGNALING_ACCEPT_QUEUE", "0"))) {
            assertThat(server.awaitExit(ServerProcess.START_TIMEOUT)).isEqualTo(2);
            assertThat(String.join("\n", server.output()))
                    .contains("SIGNALING_ACCEPT_QUEUE='0': expected an integer from 1 to 65535");
        }
    }

    /** The kernel caps every listen backlog at this. (Read by line: some kernels hand /proc out in pieces.) */
    static int somaxconn() throws IOException {
        return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim());
    }

    /** Send-Q of the socket listening on {@code port}: its backlog. */
    static int listenBacklog(int port) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-ltn").redirectErrorStream(true).start();
        String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ss.waitFor(10, TimeUnit.SECONDS)).as("ss finished").isTrue();
        assertThat(ss.exitValue()).as("ss -ltn: %s", output).isZero();
        for (String line : output.split("\n")) {
            // State Recv-Q Send-Q Local-Address:Port Peer-Address:Port
            List<String> columns = List.of(line.trim().split("\\s+"));
            if (columns.size() >= 4 && columns.get(0).equals("LISTEN") && columns.get(3).endsWith(":" + port)) {
                return Integer.parseInt(columns.get(2));
            }
        }
        throw new AssertionError("no listening socket on port " + port + " in:\n" + output);
    }
}
