package network.chiral.signaling.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private static InetAddress ip(String literal) {
        return TrustedProxies.literal(literal).orElseThrow();
    }

    @Test
    void blocksMatchTheirNetworkOnly() {
        AddressBlock ten = AddressBlock.parse("10.0.0.0/8");
        assertThat(ten.contains(ip("10.255.1.2"))).isTrue();
        assertThat(ten.contains(ip("11.0.0.1"))).isFalse();
        AddressBlock odd = AddressBlock.parse("192.168.4.0/22");
        assertThat(odd.contains(ip("192.168.7.255"))).isTrue();
        assertThat(odd.contains(ip("192.168.8.0"))).isFalse();
        assertThat(AddressBlock.parse("127.0.0.1").contains(ip("127.0.0.1"))).isTrue();
        assertThat(AddressBlock.parse("127.0.0.1").contains(ip("127.0.0.2"))).isFalse();
        assertThat(AddressBlock.parse("fd00::/8").contains(ip("fd12::1"))).isTrue();
        assertThat(AddressBlock.parse("fd00::/8").contains(ip("10.0.0.1"))).isFalse();
        assertThat(AddressBlock.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
    }

    @Test
    void literalsNeverResolveNames() {
        assertThat(TrustedProxies.literal("localhost")).isEmpty();
        assertThat(TrustedProxies.literal("unknown")).isEmpty();
        assertThat(TrustedProxies.literal("1.2.3")).isEmpty();
        assertThat(TrustedProxies.literal("[::1]")).contains(ip("::1"));
    }

    @Test
    void badListsNameTheSetting() {
        for (String bad : List.of("10.0.0.0/33", "example.com", "10.0.0.0/x", "::1/129")) {
            assertThatThrownBy(() -> Settings.load(Map.of("SIGNALING_TRUSTED_PROXIES", bad)::get))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("SIGNALING_TRUSTED_PROXIES=");
        }
        assertThat(Settings.load(Map.of("SIGNALING_TRUSTED_PROXIES", " 127.0.0.1/32, 10.0.0.0/8 ")::get)
                .trustedProxies().networks()).hasSize(2);
        assertThat(Settings.defaults().trustedProxies().networks()).isEmpty();
    }

    @Test
    void withoutTrustedProxiesTheDirectPeerIsTheClient() {
        TrustedProxies none = TrustedProxies.none();
        assertThat(none.client("127.0.0.1", List.of("203.0.113.7"), "203.0.113.8")).isEqualTo("127.0.0.1");
    }

    @Test
    void headersFromAnUntrustedPeerAreIgnored() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");
        assertThat(proxies.client("198.51.100.1", List.of("203.0.113.7"), "203.0.113.7")).isEqualTo("198.51.100.1");
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        TrustedProxies proxies = TrustedProxies.parse("127.0.0.1/32,10.0.0.0/8");
        // The client sent its own (spoofed) header; the proxy appended the real address.
        assertThat(proxies.client("127.0.0.1", List.of("1.1.1.1, 203.0.113.7"), "203.0.113.7")).isEqualTo("203.0.113.7");
        // A chain of trusted proxies is walked through.
        assertThat(proxies.client("127.0.0.1", List.of("203.0.113.7, 10.1.2.3", "10.4.5.6"), null)).isEqualTo("203.0.113.7");
        // Without X-Forwarded-For, X-Real-IP.
        assertThat(proxies.client("127.0.0.1", List.of(), "203.0.113.9")).isEqualTo("203.0.113.9");
        // No header at all: the proxy itself.
        assertThat(proxies.client("127.0.0.1", List.of(), null)).isEqualTo("127.0.0.1");
        // Garbage stops the walk at the last good hop.
        assertThat(proxies.client("127.0.0.1", List.of("203.0.113.7, nonsense, 10.0.0.9"), null)).isEqualTo("10.0.0.9");
    }
}
