package network.chiral.signaling.it.protocol;

import network.chiral.signaling.it.fixture.ServerTarget;
import network.chiral.signaling.it.fixture.ServletContainer;

/** The protocol suite against signaling-server.war deployed in a stock Jetty 12 (ee10). */
class Jetty12WarIT extends ProtocolSuite {

    @Override
    protected ServerTarget startTarget() throws Exception {
        return ServletContainer.start(ServletContainer.Kind.JETTY_12, ServerTarget.SUITE_SETTINGS);
    }
}
