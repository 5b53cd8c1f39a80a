package network.chiral.signaling.load;

/**
 * Reads the few values the load tool needs straight from frame text. The tool must not spend
 * the CPU it is measuring on parsing its own echoes, and it only ever reads frames whose shape
 * it wrote itself (plus the servers' error replies, which are flat).
 */
public final class Frames {
    private Frames() {
    }

    /** The first string value of {@code key}, or {@code null}. Escapes are not decoded. */
    public static String stringValue(String frame, String key) {
        int at = valueStart(frame, key);
        if (at < 0 || at >= frame.length() || frame.charAt(at) != '"') {
            return null;
        }
        int end = frame.indexOf('"', at + 1);
        return end < 0 ? null : frame.substring(at + 1, end);
    }

    /** The first integer value of {@code key}, or {@code -1}. */
    public static long longValue(String frame, String key) {
        int at = valueStart(frame, key);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        int digits = 0;
        for (int i = at; i < frame.length(); i++) {
            char c = frame.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            digits++;
        }
        return digits == 0 ? -1 : value;
    }

    private static int valueStart(String frame, String key) {
        String quoted = "\"" + key + "\"";
        int at = frame.indexOf(quoted);
        if (at < 0) {
            return -1;
        }
        at += quoted.length();
        while (at < frame.length() && (frame.charAt(at) == ' ' || frame.charAt(at) == ':')) {
            at++;
        }
        return at;
    }
}
