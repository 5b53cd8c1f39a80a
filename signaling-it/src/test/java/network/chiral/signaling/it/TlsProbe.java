package network.chiral.signaling.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A raw TLS client that asks for {@code /health} presenting a client certificate (or none), to
 * see at which point a server refuses it: an HTTP status line means the TLS handshake let it
 * through; anything else means the handshake, or the server right after it, refused it (in
 * TLS 1.3 the server checks the client's certificate after the client considers the handshake
 * done, so the refusal may only show when the client reads).
 */
final class TlsProbe {
    private TlsProbe() {
    }

    /** What it got: {@code HTTP/1.1 200 OK}-style status line, or {@code refused: <exception>}. */
    static String get(TestCertificates serverCa, TestCertificates.Client certificate, int port, String path) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(serverCa.trustStore());
            javax.net.ssl.KeyManager[] keys = null;
            if (certificate != null) {
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(certificate.keyStore(), certificate.password().toCharArray());
                keys = new javax.net.ssl.KeyManager[] {new Insisting((X509KeyManager) factory.getKeyManagers()[0])};
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust.getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
                socket.setSoTimeout((int) PeerClient.WAIT.toMillis());
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                return status == null ? "refused: closed without an answer" : status;
            }
        } catch (IOException e) {
            return "refused: " + e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Presents the certificate whatever CAs the server names in its request: a JSSE client
     * otherwise keeps back a certificate whose issuer the server did not list, and the server
     * would only ever see "no certificate".
     */
    private static final class Insisting extends X509ExtendedKeyManager {
        private final X509KeyManager keys;

        Insisting(X509KeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    /** The same for {@code /health}. */
    static String health(TestCertificates serverCa, TestCertificates.Client certificate, int port) {
        return get(serverCa, certificate, port, "/health");
    }
}
