package network.chiral.signaling.server.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The {@link Roster} in Redis: one script per change, so each is atomic (see {@link ClusterScripts}). */
final class RedisRoster implements Roster {
    private final RedisLink link;

    RedisRoster(RedisLink link) {
        this.link = link;
    }

    @Override
    public boolean connect() {
        return link.connect();
    }

    @Override
    public Beat beat(String node, String token, long ttlMillis) {
        List<Object> beat = ClusterScripts.HEARTBEAT.run(link.sync(), node, token, String.valueOf(ttlMillis));
        List<String> gone = new ArrayList<>();
        for (Object dead : (List<?>) beat.get(1)) {
            gone.add((String) dead);
        }
        return new Beat((String) beat.get(0), gone);
    }

    @Override
    public Set<String> recorded(String node) {
        return link.sync().smembers(ClusterScripts.nodePeers(node));
    }

    @Override
    public List<String> claim(String node, List<String> ids) {
        List<Object> refused = ClusterScripts.CLAIM.run(link.sync(), ClusterScripts.with(node, ids));
        return refused.stream().map(String.class::cast).toList();
    }

    @Override
    public void release(String node, List<String> ids) {
        ClusterScripts.RELEASE.run(link.sync(), ClusterScripts.with(node, ids));
    }

    @Override
    public void leave(String node, String token) {
        ClusterScripts.LEAVE.run(link.sync(), node, token);
    }
}
