package network.chiral.signaling.server.peer;

/** The WebSocket close codes the server uses (RFC 6455, section 7.4.1). */
public final class CloseCodes {
    /** Idle timeout or server shutdown. */
    public static final int GOING_AWAY = 1001;
    /** Policy violation: a socket that does not read its frames, abuse. */
    public static final int POLICY_VIOLATION = 1008;
    /** A frame over the size limit. */
    public static final int TOO_BIG = 1009;
    /**
     * Another socket registered this socket's id and this one did not answer a ping in time, or
     * the newcomer's credential names the id: the client has moved to a new connection.
     */
    public static final int REPLACED = 4000;

    private CloseCodes() {
    }
}
