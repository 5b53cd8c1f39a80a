package network.chiral.signaling.server.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose {@code X-Forwarded-For} and {@code X-Real-IP} headers the server
 * believes ({@code SIGNALING_TRUSTED_PROXIES}). Without any, a socket's address is always its
 * direct peer's, so a client cannot choose the address the logs show.
 *
 * @param networks the trusted networks; empty trusts no one
 */
public record TrustedProxies(List<AddressBlock> networks) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public TrustedProxies {
        networks = List.copyOf(networks);
    }

    /** No proxy is trusted. */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** Parses a comma-separated list of CIDRs; blank is none. */
    static TrustedProxies parse(String list) {
        List<AddressBlock> networks = new ArrayList<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                networks.add(AddressBlock.parse(part));
            }
        }
        return new TrustedProxies(networks);
    }

    /** Whether {@code address} (an IP literal) is a trusted proxy. */
    public boolean trusts(String address) {
        Optional<InetAddress> parsed = literal(address);
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
            Optional<InetAddress> hop = literal(chain.get(i));
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

    /**
     * An IP address literal, without ever asking DNS: anything that is not plainly a dotted-quad
     * IPv4 or an IPv6 literal (header values are client input) is empty.
     */
    static Optional<InetAddress> literal(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (!IPV4.matcher(s).matches() && !IPV6.matcher(s).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return networks.isEmpty() ? "" : String.join(",", networks.stream().map(AddressBlock::toString).toList());
    }
}
