package network.chiral.signaling.server.cluster;

import java.util.Optional;

/** What the {@code routes} channel tells every node, so that cached routes never go stale. */
sealed interface RouteNotice {

    /** {@code id} is no longer on {@code node} (it left, or another node took it over). */
    record Released(String node, String id) implements RouteNotice {
    }

    /** {@code id} was registered on {@code node}; cached routes are unaffected. */
    record Claimed(String node, String id) implements RouteNotice {
    }

    /** {@code node} has died or left: none of its routes hold. */
    record Gone(String node) implements RouteNotice {
    }

    /** Parses a channel message as the scripts in {@link ClusterScripts} publish it. */
    static Optional<RouteNotice> decode(String payload) {
        if (payload.startsWith("release ")) {
            String rest = payload.substring("release ".length());
            int space = rest.indexOf(' ');
            if (space > 0) {
                return Optional.of(new Released(rest.substring(0, space), rest.substring(space + 1)));
            }
        } else if (payload.startsWith("claim ")) {
            String rest = payload.substring("claim ".length());
            int space = rest.indexOf(' ');
            if (space > 0) {
                return Optional.of(new Claimed(rest.substring(0, space), rest.substring(space + 1)));
            }
        } else if (payload.startsWith("gone ")) {
            return Optional.of(new Gone(payload.substring("gone ".length())));
        }
        return Optional.empty();
    }
}
