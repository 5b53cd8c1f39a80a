package network.chiral.signaling.it.protocol;

import java.util.Map;

import network.chiral.signaling.it.fixture.ClusterNodes;
import network.chiral.signaling.it.fixture.ServerTarget;

/** The protocol suite across three nodes sharing Redis, clients spread over them in turn. */
class ClusterThreeNodesIT extends ProtocolSuite {

    @Override
    protected ServerTarget startTarget() throws Exception {
        return ClusterNodes.start(3, ClusterNodes.SUITE_EXTRA);
    }
}
