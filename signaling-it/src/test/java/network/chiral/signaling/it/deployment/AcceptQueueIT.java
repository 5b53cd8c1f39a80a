package network.chiral.signaling.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.ListenBacklogs;
import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.TestCertificates;
import network.chiral.signaling.it.fixture.WorkDirectories;

/**
 * The listening socket's backlog of the executable jar, as the kernel reports it: {@code ss}
 * shows a listening socket's accept-queue size in its Send-Q column. The JVM's default is 50,
 * which a reconnect storm overflows (dropped SYNs, clients waiting out 1, 3, 7 s retransmits).
 */
class AcceptQueueIT {

    @Test
    void theDefaultAcceptQueueHoldsAReconnectStorm() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1"))) {
            assertThat(ListenBacklogs.of(server.port())).isEqualTo(Math.min(4096, ListenBacklogs.somaxconn()));
            assertThat(String.join("\n", server.output())).contains("SIGNALING_ACCEPT_QUEUE=4096");
        }
    }

    @Test
    void theSettingSizesThePlainListener() throws Exception {
        int wanted = Math.min(777, ListenBacklogs.somaxconn());
        try (ServerProcess server = ServerProcess.start(Map.of("PORT", "0", "SIGNALING_HOST", "127.0.0.1",
                "SIGNALING_ACCEPT_QUEUE", Integer.toString(wanted)))) {
            assertThat(ListenBacklogs.of(server.port())).isEqualTo(wanted);
        }
    }

    @Test
    void theFlagSizesTheTlsListener() throws Exception {
        int wanted = Math.min(333, ListenBacklogs.somaxconn());
        TestCertificates.Issued issued = TestCertificates.newAuthority()
                .issue(WorkDirectories.fresh("tls-backlog"), TestCertificates.KeyForm.EC_PKCS8);
        Map<String, String> environment = new HashMap<>();
        environment.put("PORT", "0");
        environment.put("SIGNALING_HOST", "127.0.0.1");
        environment.put("SIGNALING_TLS_CERT_FILE", issued.fullChain().toString());
        environment.put("SIGNALING_TLS_KEY_FILE", issued.privateKey().toString());
        try (ServerProcess server = ServerProcess.start(environment, "--accept-queue", Integer.toString(wanted))) {
            assertThat(ListenBacklogs.of(server.port())).isEqualTo(wanted);
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
}
