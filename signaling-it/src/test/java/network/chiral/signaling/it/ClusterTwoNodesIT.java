package network.chiral.signaling.it;

import java.util.Map;

/** The protocol suite across two nodes sharing Redis, consecutive clients on different nodes. */
class ClusterTwoNodesIT extends ProtocolSuite {

    @Override
    protected ServerTarget startTarget() throws Exception {
        return ClusterNodes.start(2, ClusterNodes.SUITE_EXTRA);
    }
}
