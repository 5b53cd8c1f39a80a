package network.chiral.signaling.it.protocol;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import network.chiral.signaling.it.fixture.ServerTarget;
import network.chiral.signaling.server.config.Settings;
import network.chiral.signaling.server.embedded.SignalingServer;

/** The protocol suite against the server started in this JVM, as the launcher starts it. */
class EmbeddedServerIT extends ProtocolSuite {

    @Override
    protected ServerTarget startTarget() throws Exception {
        Map<String, String> settings = new HashMap<>(ServerTarget.SUITE_SETTINGS);
        settings.put("PORT", "0");
        SignalingServer server = SignalingServer.start(Settings.load(settings::get));
        return new ServerTarget() {
            @Override
            public URI webSocketUri() {
                return server.uri();
            }

            @Override
            public void close() throws Exception {
                server.close();
            }
        };
    }
}
