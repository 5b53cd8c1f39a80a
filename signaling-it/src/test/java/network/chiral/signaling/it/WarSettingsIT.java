package network.chiral.signaling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * How the WAR reads its settings in a real Tomcat: environment first, then Java system
 * properties; and a setting the WAR cannot honour (cluster mode) fails the deployment with a
 * message instead of being ignored.
 */
class WarSettingsIT {

    @Test
    void environmentWinsOverSystemPropertiesWhichAreReadToo() throws Exception {
        Map<String, String> environment = Map.of(
                "SIGNALING_PEERS_LIST_LIMIT", "7",
                "CATALINA_OPTS", "-DSIGNALING_PEERS_LIST_LIMIT=3 -DSIGNALING_SEND_QUEUE_BYTES=70000");
        try (ServletContainer tomcat = ServletContainer.start(ServletContainer.Kind.TOMCAT_10, environment)) {
            String deployed = tomcat.process().output().stream().filter(l -> l.contains("deployed at /signaling/"))
                    .findFirst().orElseThrow();
            assertThat(deployed).contains("SIGNALING_PEERS_LIST_LIMIT=7", "SIGNALING_SEND_QUEUE_BYTES=70000");
        }
    }

    @Test
    void clusterModeIsRefusedWithAMessage() throws Exception {
        try (ServletContainer tomcat = ServletContainer.launch(ServletContainer.Kind.TOMCAT_10,
                Map.of("SIGNALING_CLUSTER_REDIS_URL", "redis://127.0.0.1:1"))) {
            Await.until("Tomcat reports the failed deployment", Duration.ofSeconds(60), () -> tomcat.process().output()
                    .stream().anyMatch(l -> l.contains("Context [/signaling] startup failed")));
            // Tomcat writes the listener's exception to its application log file.
            assertThat(tomcat.logFiles()).contains("IllegalStateException: cluster mode (SIGNALING_CLUSTER_REDIS_URL) "
                    + "is supported by the executable jar only, not by the WAR");
            assertThat(tomcat.process().output()).noneMatch(l -> l.contains("deployed at /signaling/"));
        }
    }
}
