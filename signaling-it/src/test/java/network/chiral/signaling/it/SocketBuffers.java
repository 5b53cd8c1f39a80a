package network.chiral.signaling.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel can hold between a server's send queue and a client that stops reading, on
 * this machine's loopback: the bytes a server may write to such a client's socket, and see
 * written, besides what its own send queue holds.
 *
 * <p>Per TCP connection that is the sender's buffer, which Linux grows as the connection runs
 * up to the largest {@code net.ipv4.tcp_wmem} (4 MiB by default), plus the receiver's buffer,
 * which starts at the default {@code net.ipv4.tcp_rmem} (128 KiB) and is grown only as the
 * application reads, so never for a client that has stopped. Read from /proc/sys so that a
 * machine tuned otherwise gets its own figure; the Linux defaults where it cannot be read.
 */
final class SocketBuffers {
    private static final long DEFAULT_WMEM_MAX = 4L << 20;
    private static final long DEFAULT_RMEM_DEFAULT = 128L << 10;

    private SocketBuffers() {
    }

    /** Bytes one loopback TCP connection can absorb from its sender while its receiver does not read. */
    static long perConnection() {
        return field("/proc/sys/net/ipv4/tcp_wmem", 2, DEFAULT_WMEM_MAX)
                + field("/proc/sys/net/ipv4/tcp_rmem", 1, DEFAULT_RMEM_DEFAULT);
    }

    private static long field(String file, int index, long fallback) {
        try {
            String[] values = Files.readString(Path.of(file)).trim().split("\\s+");
            return Long.parseLong(values[index]);
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }
}
