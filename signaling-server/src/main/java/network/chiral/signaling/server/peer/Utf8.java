package network.chiral.signaling.server.peer;

/** UTF-8 sizes of text frames, for byte counters, without encoding them. */
public final class Utf8 {
    private Utf8() {
    }

    /** How many bytes {@code text} takes in UTF-8 (an unpaired surrogate counts 3, as its replacement character). */
    public static int length(CharSequence text) {
        int n = text.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 2;
                i++;
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }
}
