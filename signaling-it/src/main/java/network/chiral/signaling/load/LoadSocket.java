package network.chiral.signaling.load;

import java.nio.ByteBuffer;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One WebSocket the load tool opens: it keeps its session once open, answers the server's
 * pings, and closes normally. Public, as are its subclasses: the WebSocket client reaches its
 * listeners by reflection.
 */
public abstract class LoadSocket implements Session.Listener.AutoDemanding {
    private volatile Session session;

    /** The open session, or {@code null} before the socket has opened. */
    final Session session() {
        return session;
    }

    @Override
    public final void onWebSocketOpen(Session s) {
        session = s;
        opened(s);
    }

    /** The socket has opened, and {@link #session()} returns it. */
    abstract void opened(Session s);

    @Override
    public final void onWebSocketPing(ByteBuffer payload) {
        Session s = session;
        if (s != null) {
            s.sendPong(payload, Callback.NOOP);
        }
    }

    /** Registers {@code id} on the open socket as {@code protocol} does, unless its URL already has. */
    final void register(Protocol protocol, String id) {
        String register = protocol.register(id);
        if (register != null) {
            session.sendText(register, Callback.NOOP);
        }
    }

    /** Closes the socket with 1000 and {@code reason}, if it is open. */
    final void close(String reason) {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(1000, reason, Callback.NOOP);
        }
    }
}
