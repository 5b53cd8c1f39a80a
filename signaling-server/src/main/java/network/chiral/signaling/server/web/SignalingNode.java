package network.chiral.signaling.server.web;

import network.chiral.signaling.api.SignalCodec;
import network.chiral.signaling.server.cluster.RedisPeerDirectory;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.metrics.SignalingMetrics;
import network.chiral.signaling.server.peer.LocalPeerDirectory;
import network.chiral.signaling.server.peer.PeerDirectory;
import network.chiral.signaling.server.peer.Signaling;

/**
 * What every deployment form runs, built the same way by the embedded launcher and the WAR: the
 * protocol core, its peer directory (this node's own, or shared through Redis in cluster mode,
 * where the node is ready only while it is in the cluster) and its metrics.
 *
 * @param signaling the protocol core, to install with {@link SignalingDeployment#install}
 * @param directory where registered ids live
 * @param metrics   the node's metrics, already watching {@code signaling}
 */
public record SignalingNode(Signaling signaling, PeerDirectory directory, SignalingMetrics metrics)
        implements AutoCloseable {

    /** Builds the node; in cluster mode it starts joining the cluster (see {@link RedisPeerDirectory}). */
    public static SignalingNode start(Settings settings) {
        SignalCodec codec = new SignalCodec();
        PeerDirectory directory = settings.cluster()
                .<PeerDirectory>map(cluster -> RedisPeerDirectory.start(cluster, codec))
                .orElseGet(LocalPeerDirectory::new);
        SignalingMetrics metrics = new SignalingMetrics();
        Signaling signaling = new Signaling(settings, codec, directory, metrics);
        if (settings.cluster().isPresent()) {
            signaling.readiness().require("cluster", directory::available);
        }
        metrics.watch(signaling);
        return new SignalingNode(signaling, directory, metrics);
    }

    /**
     * Leaves the cluster, if any, and releases the directory's connections and threads. Call it
     * once the sockets are closed ({@link SignalingDeployment#undeploy}).
     */
    @Override
    public void close() throws Exception {
        if (directory instanceof AutoCloseable resources) {
            resources.close();
        }
    }
}
