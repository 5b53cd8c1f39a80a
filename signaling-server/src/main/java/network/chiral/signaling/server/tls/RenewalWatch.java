package network.chiral.signaling.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.server.config.InvalidSettingException;

/**
 * Re-reads the TLS files (the server's certificate and key, and the client CA bundle and CRL
 * when client certificates are on) when they change, and swaps them into the running server:
 * new handshakes get the new material, open sockets keep theirs. Certbot renews by pointing
 * the {@code live/} symlinks at new files, so a file's identity is its resolved path, size and
 * modification time. A half-written renewal (a new certificate beside the old key) fails the
 * key check, keeps the old material and is retried on the next look.
 */
final class RenewalWatch extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(RenewalWatch.class);

    /** Reads the files and swaps them in; throws {@link InvalidSettingException} if they cannot be used yet. */
    interface Reload {
        void run() throws Exception;
    }

    private final Duration interval;
    private final List<Path> files;
    private final Reload reload;
    private ScheduledExecutorService timer;
    private List<String> loaded;

    RenewalWatch(Duration interval, List<Path> files, Reload reload) {
        this.interval = interval;
        this.files = List.copyOf(files);
        this.reload = reload;
        this.loaded = fingerprint();
    }

    @Override
    protected void doStart() {
        long every = interval.toMillis();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "signaling-tls-renewal");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::look, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        timer.shutdownNow();
    }

    private void look() {
        List<String> now = fingerprint();
        if (now.equals(loaded)) {
            return;
        }
        try {
            reload.run();
            loaded = now;
            LOG.info("TLS certificate reloaded from {}", files);
        } catch (InvalidSettingException e) {
            LOG.warn("TLS certificate files changed but cannot be used yet, keeping the current certificate: {}",
                    e.getMessage());
        } catch (Exception e) {
            LOG.warn("TLS certificate reload failed, keeping the current certificate", e);
        }
    }

    private List<String> fingerprint() {
        return files.stream().map(RenewalWatch::identity).toList();
    }

    private static String identity(Path file) {
        try {
            Path real = file.toRealPath();
            FileTime modified = Files.getLastModifiedTime(real);
            return real + "|" + Files.size(real) + "|" + modified.toMillis();
        } catch (IOException e) {
            return Objects.toString(file) + "|missing";
        }
    }
}
