package network.chiral.signaling.it.protocol;

import java.util.Map;

import network.chiral.signaling.it.fixture.ClusterNodes;
import network.chiral.signaling.it.fixture.ServerTarget;

/** The protocol suite across two nodes sharing Redis, consecutive clients on different nodes. */
class ClusterTwoNodesIT extends ProtocolSuite {

    @Override
    protected ServerTarget startTarget() throws Exception {
        return ClusterNodes.start(2, ClusterNodes.SUITE_EXTRA);
    }
}
