package network.chiral.signaling.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSettingsTest {

    @Test
    void clusterModeIsOffUnlessARedisUrlIsSet() {
        assertThat(Settings.defaults().cluster()).isEmpty();
    }

    @Test
    void aRedisUrlSwitchesItOnWithAGeneratedNodeIdAndTheDefaultTtl() {
        Settings settings = Settings.load(Map.of("SIGNALING_CLUSTER_REDIS_URL", "redis://:s3cret@redis.internal:6379/0")::get);
        ClusterSettings cluster = settings.cluster().orElseThrow();
        assertThat(cluster.nodeId()).matches("node-[0-9a-f]{8}");
        assertThat(cluster.nodeTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(cluster.heartbeatInterval().toMillis()).isEqualTo(3333);
        assertThat(cluster.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(cluster.redisAddress()).isEqualTo("redis://redis.internal:6379");
        assertThat(settings.describe()).contains("SIGNALING_NODE_ID=" + cluster.nodeId())
                .contains("SIGNALING_CLUSTER_REDIS_URL=(secret)").doesNotContain("s3cret");
        assertThat(cluster.toString()).doesNotContain("s3cret");
    }

    @Test
    void tlsUrlsAndNamedNodesAreAccepted() {
        ClusterSettings cluster = Settings.load(Map.of("SIGNALING_CLUSTER_REDIS_URL", "rediss://10.0.0.3:6378",
                "SIGNALING_NODE_ID", "eu-west.1_a", "SIGNALING_CLUSTER_NODE_TTL_SECONDS", "3")::get).cluster().orElseThrow();
        assertThat(cluster.nodeId()).isEqualTo("eu-west.1_a");
        assertThat(cluster.commandTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aCaFileIsForTlsRedisOnlyAndMustBeReadable(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("server-ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        ClusterSettings cluster = Settings.load(Map.of("SIGNALING_CLUSTER_REDIS_URL", "rediss://10.0.0.3:6378",
                "SIGNALING_CLUSTER_REDIS_CA_FILE", ca.toString())::get).cluster().orElseThrow();
        assertThat(cluster.redisCa()).contains(ca);
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_CLUSTER_REDIS_URL", "redis://10.0.0.3:6379",
                "SIGNALING_CLUSTER_REDIS_CA_FILE", ca.toString())::get))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("SIGNALING_CLUSTER_REDIS_CA_FILE=").hasMessageContaining("rediss://");
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_CLUSTER_REDIS_URL", "rediss://10.0.0.3:6378",
                "SIGNALING_CLUSTER_REDIS_CA_FILE", dir.resolve("missing.pem").toString())::get))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("not a readable file");
    }

    @Test
    void badValuesNameTheSettingAndNeverEchoTheUrl() {
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_CLUSTER_REDIS_URL", "http://:pw@host")::get))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("SIGNALING_CLUSTER_REDIS_URL: expected redis://")
                .hasMessageNotContaining("pw@host");
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_CLUSTER_REDIS_URL", "redis://")::get))
                .hasMessageStartingWith("SIGNALING_CLUSTER_REDIS_URL: expected");
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_NODE_ID", "node one")::get))
                .hasMessageStartingWith("SIGNALING_NODE_ID='node one'");
        assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_CLUSTER_NODE_TTL_SECONDS", "0")::get))
                .hasMessageStartingWith("SIGNALING_CLUSTER_NODE_TTL_SECONDS='0'");
    }
}
