package network.chiral.signaling.it.protocol;

import java.net.URI;
import java.util.Map;

import network.chiral.signaling.it.fixture.ServerProcess;
import network.chiral.signaling.it.fixture.ServerTarget;

/** The protocol suite against the real {@code java -jar signaling-server.jar} process. */
class ExecutableJarIT extends ProtocolSuite {

    @Override
    protected ServerTarget startTarget() throws Exception {
        ServerProcess server = ServerProcess.start(ServerTarget.suiteSettings(Map.of()));
        return new ServerTarget() {
            @Override
            public URI webSocketUri() {
                return URI.create("ws://127.0.0.1:" + server.port() + "/");
            }

            @Override
            public void close() throws Exception {
                server.close();
            }
        };
    }
}
