package network.chiral.signaling.it.protocol;

import network.chiral.signaling.it.fixture.ServerTarget;
import network.chiral.signaling.it.fixture.ServletContainer;

/** The protocol suite against signaling-server.war deployed in a stock Tomcat 11. */
class Tomcat11WarIT extends ProtocolSuite {

    @Override
    protected ServerTarget startTarget() throws Exception {
        return ServletContainer.start(ServletContainer.Kind.TOMCAT_11, ServerTarget.SUITE_SETTINGS);
    }
}
