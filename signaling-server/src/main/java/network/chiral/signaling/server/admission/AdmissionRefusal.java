package network.chiral.signaling.server.admission;

/**
 * Why an upgrade is turned away, as the HTTP answer the client gets instead of a WebSocket.
 *
 * @param status            403, 429 or 503
 * @param label             short stable name of the rule, for logs and the refusal metric:
 *                          {@code origin}, {@code connection-rate}, {@code max-connections} or
 *                          {@code max-connections-per-ip}
 * @param reason            one line for the response body, safe to show the client
 * @param retryAfterSeconds seconds for {@code Retry-After}, or 0 for none
 */
public record AdmissionRefusal(int status, String label, String reason, long retryAfterSeconds) {
    public static final int FORBIDDEN = 403;
    public static final int TOO_MANY_REQUESTS = 429;
    public static final int SERVICE_UNAVAILABLE = 503;
}
