package network.chiral.signaling.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A CIDR block such as {@code 10.128.0.0/9} or {@code ::1/128}; a bare address is a block of
 * one. Only literal addresses are accepted: a setting never causes a DNS lookup.
 *
 * @param network the block's address bytes, host bits cleared
 * @param bits    prefix length
 */
public record AddressBlock(byte[] network, int bits) {
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    /**
     * Parses {@code address/bits} or {@code address}.
     *
     * @throws IllegalArgumentException if it is not a literal IPv4 or IPv6 block
     */
    public static AddressBlock parse(String text) {
        String value = text.trim();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        if (!LITERAL.matcher(address).matches()) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + address, e);
        }
        int max = bytes.length * 8;
        int bits;
        try {
            bits = slash < 0 ? max : Integer.parseInt(value.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + value, e);
        }
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("prefix length out of range in " + value);
        }
        return new AddressBlock(mask(bytes, bits), bits);
    }

    /** Whether {@code address} lies in this block (IPv4 and IPv6 never match each other). */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return candidate.length == network.length && Arrays.equals(mask(candidate, bits), network);
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            masked[i] &= (byte) (0xFF << (8 - keep));
        }
        return masked;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressBlock block && bits == block.bits
                && Arrays.equals(network, block.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + bits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
