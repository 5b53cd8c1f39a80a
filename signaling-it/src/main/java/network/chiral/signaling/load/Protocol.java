package network.chiral.signaling.load;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The wire dialects the load tool speaks. Both carry the same load: an offer from one peer of
 * a pair to the other, answered at once; only the framing differs.
 */
public enum Protocol {
    /** This server's protocol: {@code register}, then {@code offer}/{@code answer} with {@code to}. */
    CHIRAL {
        @Override
        URI connectUri(URI base, String id, String token) {
            return base;
        }

        @Override
        String register(String id) {
            return "{\"type\":\"register\",\"clientId\":\"" + id + "\"}";
        }

        @Override
        String relay(boolean offer, String to, long sentNanos, String padding) {
            return "{\"type\":\"" + (offer ? "offer" : "answer") + "\",\"to\":\"" + to
                    + "\",\"sdp\":{\"t\":" + sentNanos + ",\"sdp\":\"" + padding + "\"}}";
        }

        @Override
        String heartbeat() {
            return null;
        }
    },

    /** PeerJS server: id in the URL, {@code OPEN} on connect, {@code OFFER}/{@code ANSWER} with {@code dst}. */
    PEERJS {
        @Override
        URI connectUri(URI base, String id, String token) {
            String path = base.getPath() == null || base.getPath().isEmpty() ? "/" : base.getPath();
            if (!path.endsWith("/")) {
                path = path + "/";
            }
            return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path + "peerjs?key=peerjs&id="
                    + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&token=" + token);
        }

        @Override
        String register(String id) {
            return null;
        }

        @Override
        String relay(boolean offer, String to, long sentNanos, String padding) {
            return "{\"type\":\"" + (offer ? "OFFER" : "ANSWER") + "\",\"dst\":\"" + to
                    + "\",\"payload\":{\"t\":" + sentNanos + ",\"sdp\":\"" + padding + "\"}}";
        }

        @Override
        String heartbeat() {
            return "{\"type\":\"HEARTBEAT\"}";
        }
    };

    /** Where a peer with this id connects. */
    abstract URI connectUri(URI base, String id, String token);

    /** The frame that registers {@code id} once connected, or {@code null} if the URL did. */
    abstract String register(String id);

    /** An offer (or answer) to {@code to} whose payload carries the send time and the padding. */
    abstract String relay(boolean offer, String to, long sentNanos, String padding);

    /** The keep-alive frame a client of this protocol sends, or {@code null} if the server pings. */
    abstract String heartbeat();

    /** Where a one-off connection goes to check that the server accepts connections. */
    public URI probeUri(URI base) {
        return connectUri(base, "probe-" + System.nanoTime(), "probe");
    }

    /** The frame size a relay has with no padding, to size the padding to the requested payload. */
    int overhead(String to) {
        return relay(true, to, Long.MAX_VALUE, "").length();
    }

    /** What a received frame is, judged by its first {@code type} value. */
    static Kind kind(String frame) {
        String type = Frames.stringValue(frame, "type");
        if (type == null) {
            return Kind.OTHER;
        }
        switch (type) {
            case "offer": case "OFFER": return Kind.OFFER;
            case "answer": case "ANSWER": return Kind.ANSWER;
            case "peers": case "OPEN": return Kind.READY;
            case "error": case "ERROR": case "ID-TAKEN": case "EXPIRE": case "INVALID-KEY": return Kind.ERROR;
            default: return Kind.OTHER;
        }
    }

    /** The error code of an error frame: this server's {@code code}, PeerJS's type or message. */
    static String errorCode(String frame) {
        String type = Frames.stringValue(frame, "type");
        if ("error".equals(type)) {
            String code = Frames.stringValue(frame, "code");
            return code == null ? "error" : code;
        }
        if ("ERROR".equals(type)) {
            String msg = Frames.stringValue(frame, "msg");
            return msg == null ? "ERROR" : "ERROR: " + msg;
        }
        return type == null ? "unknown" : type;
    }

    /** Frame kinds the load tool reacts to. */
    enum Kind { OFFER, ANSWER, READY, ERROR, OTHER }
}
