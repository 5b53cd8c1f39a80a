package network.chiral.signaling.it;

import java.util.Map;

/** The protocol suite across three nodes sharing Redis, clients spread over them in turn. */
class ClusterThreeNodesIT extends ProtocolSuite {

    @Override
    protected ServerTarget startTarget() throws Exception {
        return ClusterNodes.start(3, ClusterNodes.SUITE_EXTRA);
    }
}
