package network.chiral.signaling.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import network.chiral.signaling.it.fixture.ServletContainer;

/**
 * How the WAR reads its settings in a real Tomcat: environment first, then Java system
 * properties (cluster mode in the WAR: {@link network.chiral.signaling.it.cluster.WarClusterIT}).
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
}
