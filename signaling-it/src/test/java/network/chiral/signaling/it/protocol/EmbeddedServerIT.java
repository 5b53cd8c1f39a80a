package network.chiral.signaling.it.protocol;

import network.chiral.signaling.it.fixture.LocalServer;
import network.chiral.signaling.it.fixture.ServerTarget;

/** The protocol suite against the server started in this JVM, as the launcher starts it. */
class EmbeddedServerIT extends ProtocolSuite {

    @Override
    protected ServerTarget startTarget() throws Exception {
        return LocalServer.start(ServerTarget.SUITE_SETTINGS);
    }
}
