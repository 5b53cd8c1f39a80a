package network.chiral.signaling.api;

import java.util.List;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * One entry of {@link Peers#iceServers()}, in the shape of the browser's {@code RTCIceServer}
 * so that a client can pass the array to {@code new RTCPeerConnection({iceServers})} as is.
 *
 * @param urls       {@code stun:}, {@code turn:} or {@code turns:} URLs
 * @param username   TURN username ({@code <unix-expiry>:<clientId>}); absent for STUN
 * @param credential TURN password (base64 HMAC-SHA1 of the username); absent for STUN
 */
@JsonbPropertyOrder({"urls", "username", "credential"})
public record IceServer(List<String> urls, String username, String credential) {
    public IceServer {
        urls = List.copyOf(Fields.require(urls, "iceServers", "urls"));
    }

    @Override
    public String toString() {
        return "IceServer[urls=" + urls + ", username=" + username + (credential == null ? "" : ", credential=(redacted)")
                + "]";
    }
}
