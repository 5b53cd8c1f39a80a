package network.chiral.signaling.server.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * Every change to the shared state is one Lua script, so Redis applies it atomically: two
 * nodes claiming one id at the same moment are serialised by Redis itself. Scripts build key
 * names from their arguments, which needs a standalone Redis (or Memorystore), not Redis
 * Cluster.
 *
 * <p>What lives in Redis (prefix {@value #PREFIX}):
 * <ul>
 *   <li>{@code node:<node>}: the node's heartbeat, its instance token, expiring after the node TTL;</li>
 *   <li>{@code nodes}: the set of nodes that have announced themselves;</li>
 *   <li>{@code node-peers:<node>}: the ids registered on that node;</li>
 *   <li>{@code peer:<id>}: the node that holds {@code id}. It counts only while that node's
 *       heartbeat lives, so a dead node's ids are free at once when its heartbeat expires; the
 *       next heartbeat of any survivor deletes them.</li>
 * </ul>
 * Channels: {@code inbox:<node>} carries relays to a node; {@code routes} tells every node
 * that an id was claimed, moved or freed or a node died, so route caches drop the entry and
 * peer lists are pushed again.
 */
final class ClusterScripts {
    static final String PREFIX = "signaling:";
    static final String ROUTES = PREFIX + "routes";

    /**
     * Prepended to every script: the key prefix and the steps several scripts share. Claiming
     * an id refuses it only to a live other node; listing counts only live nodes' ids.
     */
    private static final String PREAMBLE = "local P = '" + PREFIX + "'\n" + """
            local function claim(node, id)
              local key = P .. 'peer:' .. id
              local owner = redis.call('GET', key)
              if owner and owner ~= node and redis.call('EXISTS', P .. 'node:' .. owner) == 1 then
                return false
              end
              redis.call('SET', key, node)
              redis.call('SADD', P .. 'node-peers:' .. node, id)
              if owner ~= node then
                redis.call('PUBLISH', P .. 'routes', 'claim ' .. node .. ' ' .. id)
              end
              if owner and owner ~= node then
                redis.call('SREM', P .. 'node-peers:' .. owner, id)
                redis.call('PUBLISH', P .. 'routes', 'release ' .. owner .. ' ' .. id)
              end
              return true
            end
            local function release(node, id)
              local key = P .. 'peer:' .. id
              if redis.call('GET', key) == node then
                redis.call('DEL', key)
                redis.call('PUBLISH', P .. 'routes', 'release ' .. node .. ' ' .. id)
              end
              redis.call('SREM', P .. 'node-peers:' .. node, id)
            end
            local function list(limit)
              local total, ids = 0, {}
              for _, n in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
                if redis.call('EXISTS', P .. 'node:' .. n) == 1 then
                  local set = P .. 'node-peers:' .. n
                  total = total + redis.call('SCARD', set)
                  if #ids < limit then
                    for _, id in ipairs(redis.call('SRANDMEMBER', set, limit - #ids)) do
                      ids[#ids + 1] = id
                    end
                  end
                end
              end
              return total, ids
            end
            """;

    /** ARGV: node, ids... Claims each id unless a live other node holds it; returns those refused. */
    static final Script CLAIM = new Script(ScriptOutputType.MULTI, """
            local taken = {}
            for i = 2, #ARGV do
              if not claim(ARGV[1], ARGV[i]) then
                taken[#taken + 1] = ARGV[i]
              end
            end
            return taken
            """);

    /**
     * ARGV: node, id, the id it replaces or '', list limit. A {@code register} in one round
     * trip: claims the id unless a live other node holds it and, if granted, frees the id it
     * replaces and lists who is registered. Returns {0} if refused, else {1, total, {ids}}.
     */
    static final Script REGISTER = new Script(ScriptOutputType.MULTI, """
            if not claim(ARGV[1], ARGV[2]) then
              return {0}
            end
            if ARGV[3] ~= '' then
              release(ARGV[1], ARGV[3])
            end
            local total, ids = list(tonumber(ARGV[4]))
            return {1, total, ids}
            """);

    /** ARGV: node, ids... Frees each id this node still holds. */
    static final Script RELEASE = new Script(ScriptOutputType.INTEGER, """
            for i = 2, #ARGV do
              release(ARGV[1], ARGV[i])
            end
            return 0
            """);

    /**
     * ARGV: this node, receiver id, envelope. Finds the receiver's live node and publishes the
     * envelope to its inbox in the same round trip. Returns {node or '', receivers}.
     */
    static final Script ROUTE = new Script(ScriptOutputType.MULTI, """
            local owner = redis.call('GET', P .. 'peer:' .. ARGV[2])
            if not owner or owner == ARGV[1] or redis.call('EXISTS', P .. 'node:' .. owner) == 0 then
              return {'', 0}
            end
            return {owner, redis.call('PUBLISH', P .. 'inbox:' .. owner, ARGV[3])}
            """);

    /**
     * ARGV: node, token, ttl ms. Renews this node's heartbeat and removes every node whose
     * heartbeat has expired, with its ids. Returns {previous token or '', {gone nodes}}.
     */
    static final Script HEARTBEAT = new Script(ScriptOutputType.MULTI, """
            local key = P .. 'node:' .. ARGV[1]
            local previous = redis.call('GET', key)
            redis.call('SET', key, ARGV[2], 'PX', ARGV[3])
            redis.call('SADD', P .. 'nodes', ARGV[1])
            local gone = {}
            for _, n in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
              if redis.call('EXISTS', P .. 'node:' .. n) == 0 then
                local set = P .. 'node-peers:' .. n
                for _, id in ipairs(redis.call('SMEMBERS', set)) do
                  if redis.call('GET', P .. 'peer:' .. id) == n then
                    redis.call('DEL', P .. 'peer:' .. id)
                  end
                end
                redis.call('DEL', set)
                redis.call('SREM', P .. 'nodes', n)
                redis.call('PUBLISH', P .. 'routes', 'gone ' .. n)
                gone[#gone + 1] = n
              end
            end
            return {previous or '', gone}
            """);

    /** ARGV: node, token. A clean leave: the node's ids are freed now rather than after the TTL. */
    static final Script LEAVE = new Script(ScriptOutputType.INTEGER, """
            local key = P .. 'node:' .. ARGV[1]
            if redis.call('GET', key) ~= ARGV[2] then
              return 0
            end
            local set = P .. 'node-peers:' .. ARGV[1]
            for _, id in ipairs(redis.call('SMEMBERS', set)) do
              if redis.call('GET', P .. 'peer:' .. id) == ARGV[1] then
                redis.call('DEL', P .. 'peer:' .. id)
              end
            end
            redis.call('DEL', set, key)
            redis.call('SREM', P .. 'nodes', ARGV[1])
            redis.call('PUBLISH', P .. 'routes', 'gone ' .. ARGV[1])
            return 1
            """);

    /** ARGV: limit. Returns {total ids on live nodes, {up to limit ids}}. */
    static final Script LIST = new Script(ScriptOutputType.MULTI, """
            local total, ids = list(tonumber(ARGV[1]))
            return {total, ids}
            """);

    private ClusterScripts() {
    }

    static String inbox(String node) {
        return PREFIX + "inbox:" + node;
    }

    static String nodePeers(String node) {
        return PREFIX + "node-peers:" + node;
    }

    /**
     * A Lua script, sent by digest. Redis forgets scripts when it restarts empty; the first
     * call after that sends the body again.
     */
    record Script(ScriptOutputType output, String body, String sha) {
        Script(ScriptOutputType output, String body) {
            this(output, PREAMBLE + body, sha1(PREAMBLE + body));
        }

        <T> T run(RedisCommands<String, String> redis, String... args) {
            try {
                return redis.evalsha(sha, output, new String[0], args);
            } catch (RedisNoScriptException e) {
                return redis.eval(body, output, new String[0], args);
            }
        }

        /** Fire and forget (the caller handles the outcome); the body is sent along each time. */
        java.util.concurrent.CompletionStage<Object> runAsync(RedisAsyncCommands<String, String> redis, String... args) {
            return redis.eval(body, output, new String[0], args);
        }

        private static String sha1(String text) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-1", e);
            }
        }
    }

    /** {@code args} with {@code first} in front. */
    static String[] with(String first, List<String> rest) {
        List<String> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all.toArray(String[]::new);
    }
}
