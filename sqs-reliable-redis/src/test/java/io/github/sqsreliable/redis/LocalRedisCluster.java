package io.github.sqsreliable.redis;

import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.test.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A Redis Cluster of three primaries on loopback, each a private server from {@link EmbeddedRedis}, with the
 * 16384 slots split evenly. For tests; close it when done.
 */
final class LocalRedisCluster implements AutoCloseable {

    private static final int SLOTS = 16_384;

    private final List<EmbeddedRedis> nodes = new ArrayList<>();

    LocalRedisCluster(int size) {
        try {
            for (int i = 0; i < size; i++) {
                nodes.add(EmbeddedRedis.startPrivate("--cluster-enabled", "yes",
                        "--cluster-node-timeout", "5000"));
            }
            form();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** @return a seed URI per node, for {@code RedisClusterClient.create(...)} */
    List<RedisURI> uris() {
        return nodes.stream().map(node -> RedisURI.create(node.uri())).toList();
    }

    /** @return the node serving {@code slot} */
    EmbeddedRedis nodeOf(int slot) {
        return nodes.get(Math.min(nodes.size() - 1, slot / (SLOTS / nodes.size())));
    }

    /** @return every node */
    List<EmbeddedRedis> nodes() {
        return List.copyOf(nodes);
    }

    private void form() {
        RedisClient client = RedisClient.create();
        List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
        try {
            for (EmbeddedRedis node : nodes) {
                connections.add(client.connect(RedisURI.create(node.uri())));
            }
            RedisCommands<String, String> first = connections.get(0).sync();
            for (EmbeddedRedis node : nodes.subList(1, nodes.size())) {
                first.clusterMeet(node.host(), node.port());
            }
            int perNode = SLOTS / nodes.size();
            for (int i = 0; i < nodes.size(); i++) {
                int from = i * perNode;
                int to = i == nodes.size() - 1 ? SLOTS : from + perNode;
                connections.get(i).sync().clusterAddSlots(IntStream.range(from, to).toArray());
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    connections.stream().allMatch(connection -> {
                        String info = connection.sync().clusterInfo();
                        return info.contains("cluster_state:ok")
                                && info.contains("cluster_known_nodes:" + nodes.size());
                    }));
        } finally {
            connections.forEach(StatefulRedisConnection::close);
            client.shutdown();
        }
    }

    @Override
    public void close() {
        nodes.forEach(EmbeddedRedis::close);
    }
}
