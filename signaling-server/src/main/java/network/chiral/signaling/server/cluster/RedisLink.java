package network.chiral.signaling.server.cluster;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;

import network.chiral.signaling.server.config.ClusterSettings;

/**
 * The node's two Redis connections: one for commands, shared by every thread (Lettuce
 * pipelines them in order), and one subscribed to this node's inbox and the routes channel.
 *
 * <p>Nothing here buffers without bound while Redis is away: commands are rejected at once
 * when disconnected, at most {@link #REQUEST_QUEUE} may wait for replies, and each times
 * out after the command timeout. Once connected, Lettuce reconnects and resubscribes by
 * itself; the first connection is retried by {@link #connect()} on every heartbeat.
 */
final class RedisLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
    /** Commands that may await a reply at once; more are refused, never queued. */
    static final int REQUEST_QUEUE = 10_000;

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisPubSubListener<String, String> listener;
    private final String[] channels;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> subscription;
    /** Why the latest attempt to connect failed, so that each new reason is logged once. */
    private String lastFailure = "";

    /**
     * @param settings     where Redis is and how long to wait for it
     * @param listener     receives the messages of {@code channels}
     * @param onConnection told {@code true} when a connection (re)connects, {@code false} when one drops;
     *                     called on a Redis I/O thread, so it must not block
     * @param channels     what the subscription listens to
     */
    RedisLink(ClusterSettings settings, RedisPubSubListener<String, String> listener, Consumer<Boolean> onConnection,
              String... channels) {
        this.listener = listener;
        this.channels = channels.clone();
        Duration timeout = settings.commandTimeout();
        Duration maxReconnectDelay = settings.heartbeatInterval().compareTo(Duration.ofSeconds(5)) < 0
                ? settings.heartbeatInterval() : Duration.ofSeconds(5);
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), maxReconnectDelay, 2, TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(settings.redisUrl());
        uri.setTimeout(timeout);
        uri.setClientName("signaling-" + settings.nodeId());
        this.client = RedisClient.create(resources, uri);
        ClientOptions.Builder options = ClientOptions.builder();
        settings.redisCa().ifPresent(ca -> options.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(ca.toFile()).build()));
        client.setOptions(options
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE)
                .timeoutOptions(TimeoutOptions.builder().fixedTimeout(timeout).build())
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, java.net.SocketAddress address) {
                onConnection.accept(true);
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                onConnection.accept(false);
            }
        });
    }

    /**
     * Makes both connections if they do not exist yet (Lettuce keeps existing ones alive).
     *
     * @return whether both are open now
     */
    synchronized boolean connect() {
        try {
            if (commands == null) {
                commands = client.connect();
            }
            if (subscription == null) {
                StatefulRedisPubSubConnection<String, String> pubsub = client.connectPubSub();
                try {
                    pubsub.addListener(listener);
                    pubsub.sync().subscribe(channels);
                } catch (RuntimeException e) {
                    pubsub.close();
                    throw e;
                }
                subscription = pubsub;
            }
            lastFailure = "";
        } catch (RedisException e) {
            String why = reason(e);
            if (why.equals(lastFailure)) {
                LOG.debug("cannot connect to Redis yet: {}", why);
            } else {
                // A wrong password or an untrusted certificate would otherwise only show as /ready 503.
                LOG.warn("cannot connect to Redis: {}", why);
                lastFailure = why;
            }
        }
        return open();
    }

    /** The innermost cause's message: "WRONGPASS ...", a certificate path error, "Connection refused". */
    private static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** Whether both connections are up right now. */
    boolean open() {
        StatefulRedisConnection<String, String> c = commands;
        StatefulRedisPubSubConnection<String, String> s = subscription;
        return c != null && s != null && c.isOpen() && s.isOpen();
    }

    /** Blocking commands, each bounded by the command timeout. Never call from a Redis I/O thread. */
    RedisCommands<String, String> sync() {
        StatefulRedisConnection<String, String> c = commands;
        if (c == null) {
            throw new RedisException("not connected to Redis");
        }
        return c.sync();
    }

    /** Non-blocking commands on the same connection, in the same order. */
    RedisAsyncCommands<String, String> async() {
        StatefulRedisConnection<String, String> c = commands;
        if (c == null) {
            throw new RedisException("not connected to Redis");
        }
        return c.async();
    }

    @Override
    public synchronized void close() {
        if (subscription != null) {
            subscription.close();
        }
        if (commands != null) {
            commands.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        // Waits for Lettuce's event threads to end: a servlet container checks for threads the
        // application left running as soon as it is undeployed, and so does a JVM that exits.
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
