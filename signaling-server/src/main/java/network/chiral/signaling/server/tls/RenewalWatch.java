package network.chiral.signaling.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.chiral.signaling.server.config.InvalidSettingException;
import network.chiral.signaling.server.config.Tls;

/**
 * Re-reads the certificate files when they change and swaps them into the running server:
 * new handshakes get the new certificate, open sockets keep theirs. Certbot renews by pointing
 * the {@code live/} symlinks at new files, so a file's identity is its resolved path, size and
 * modification time. A half-written renewal (a new certificate beside the old key) fails the
 * key check, keeps the old certificate and is retried on the next look.
 */
final class RenewalWatch extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(RenewalWatch.class);

    private final Tls.Files tls;
    private final SslContextFactory.Server context;
    private final List<Path> files;
    private ScheduledExecutorService timer;
    private List<String> loaded;

    RenewalWatch(Tls.Files tls, SslContextFactory.Server context) {
        this.tls = tls;
        this.context = context;
        this.files = tls instanceof Tls.Pem pem
                ? List.of(pem.certificateChain(), pem.privateKey())
                : List.of(((Tls.Pkcs12) tls).keyStore());
        this.loaded = fingerprint();
    }

    @Override
    protected void doStart() {
        long every = tls.reloadInterval().toMillis();
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
            KeyMaterial material = KeyMaterial.load(tls);
            context.reload(f -> {
                f.setKeyStore(material.store());
                f.setKeyStorePassword(material.password());
                f.setKeyManagerPassword(material.password());
            });
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
