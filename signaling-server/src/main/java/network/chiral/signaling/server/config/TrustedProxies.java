package network.chiral.signaling.server.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reverse proxies whose {@code X-Forwarded-For} and {@code X-Real-IP} headers the server
 * believes ({@code SIGNALING_TRUSTED_PROXIES}). Without any, a socket's address is always its
 * direct peer's, so a client cannot choose the address the logs show.
 *
 * @param networks the trusted networks; empty trusts no one
 */
public record TrustedProxies(List<Cidr> networks) {

    public TrustedProxies {
        networks = List.copyOf(networks);
    }

    /** No proxy is trusted. */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** Parses a comma-separated list of CIDRs; blank is none. */
    static TrustedProxies parse(String list) {
        List<Cidr> networks = new ArrayList<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                networks.add(Cidr.parse(part));
            }
        }
        return new TrustedProxies(networks);
    }

    /** Whether {@code address} (an IP literal) is a trusted proxy. */
    public boolean trusts(String address) {
        Optional<InetAddress> parsed = Cidr.literal(address);
        return parsed.isPresent() && networks.stream().anyMatch(n -> n.contains(parsed.get()));
    }

    /**
     * The client's address. Only when {@code direct} is a trusted proxy are the forwarded headers
     * read: the {@code X-Forwarded-For} chain from the right, skipping trusted proxies, gives
     * the first address nobody trusted can vouch for; without that header, {@code X-Real-IP}.
     *
     * @param direct       the address of the socket's direct peer
     * @param forwardedFor every {@code X-Forwarded-For} header value, in order
     * @param realIp       the {@code X-Real-IP} header, or {@code null}
     */
    public String client(String direct, List<String> forwardedFor, String realIp) {
        if (!trusts(direct)) {
            return direct;
        }
        List<String> chain = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    chain.add(hop.trim());
                }
            }
        }
        if (chain.isEmpty() && realIp != null && !realIp.isBlank()) {
            chain.add(realIp.trim());
        }
        String client = direct;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = Cidr.literal(chain.get(i));
            if (hop.isEmpty()) {
                // Garbage in the chain: nothing further left can be trusted either.
                break;
            }
            client = hop.get().getHostAddress();
            if (!trusts(client)) {
                break;
            }
        }
        return client;
    }

    @Override
    public String toString() {
        return networks.isEmpty() ? "" : String.join(",", networks.stream().map(Cidr::toString).toList());
    }
}
