package network.chiral.signaling.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * One file the server sends browsers (the self-test page, its script and style, the client
 * module), read once from the classpath when the server starts. The files live beside this
 * class, under {@code web/}, so the executable jar and the WAR carry them alike and no
 * container's own static file handling is involved.
 *
 * @param name        the file's name under {@code web/}
 * @param contentType the {@code Content-Type} it is sent with, charset included
 * @param body        its bytes
 * @param etag        a strong validator derived from the bytes, quoted as HTTP wants it
 * @param headers     extra response headers (the page's Content-Security-Policy, CORS for the client module)
 */
public record WebFile(String name, String contentType, byte[] body, String etag, Map<String, String> headers) {

    public WebFile {
        headers = Map.copyOf(headers);
    }

    /**
     * Reads {@code web/<name>} from the classpath.
     *
     * @throws IllegalStateException if the file is not there (a broken build)
     */
    public static WebFile load(String name, String contentType, Map<String, String> headers) {
        try (InputStream in = WebFile.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("web/" + name + " is missing from the classpath");
            }
            byte[] body = in.readAllBytes();
            return new WebFile(name, contentType, body, etagOf(body), headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body as text, for tests and logs. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String etagOf(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
