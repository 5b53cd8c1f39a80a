package network.chiral.signaling.server.endpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.server.peer.Transport;

/** A Jakarta WebSocket session as the domain's {@link Transport}. */
final class SessionTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTransport.class);
    private static final ByteBuffer PING = ByteBuffer.allocate(0);

    private final Session session;

    SessionTransport(Session session) {
        this.session = session;
    }

    @Override
    public void sendText(String frame, Consumer<Throwable> done) {
        try {
            session.getAsyncRemote().sendText(frame, result -> done.accept(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            // The session closed under us; the container reports the close on its own path.
            done.accept(e);
        }
    }

    @Override
    public void sendPing(Consumer<Throwable> done) {
        try {
            session.getAsyncRemote().sendPing(PING.duplicate());
            done.accept(null);
        } catch (IOException | RuntimeException e) {
            done.accept(e);
        }
    }

    @Override
    public void close(int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            LOG.debug("close({}) failed on an already failing socket", code, e);
        }
    }
}
