package io.github.sqsreliable.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.testing.IdempotencyStoreContract;
import io.github.sqsreliable.test.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on a three-node Redis Cluster, through a cluster connection; and where the keys land. */
class RedisClusterIT extends IdempotencyStoreContract {

    private static LocalRedisCluster cluster;
    private static RedisClusterClient client;
    private static StatefulRedisClusterConnection<String, String> connection;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void connect() {
        cluster = new LocalRedisCluster(3);
        client = RedisClusterClient.create(cluster.uris());
        connection = client.connect();
        store = RedisIdempotencyStore.builder().clusterConnection(connection).build();
    }

    @AfterAll
    static void disconnect() {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }

    @Test
    void storesWithDifferentHashTagsKeepTheirKeysOnTheirTagsNodes() {
        List<RedisIdempotencyStore> stores = new ArrayList<>();
        for (String tag : List.of("a", "b", "c", "d")) {
            stores.add(RedisIdempotencyStore.builder().clusterConnection(connection).hashTag(tag).build());
        }

        for (RedisIdempotencyStore tagged : stores) {
            List<AcquireRequest> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(new AcquireRequest(newKey(), Duration.ofMinutes(5), null));
            }
            assertThat(tagged.acquire(batch).join()).allMatch(AcquireResult.Acquired.class::isInstance);

            int slot = SlotHash.getSlot(tagged.redisKey(batch.get(0).key()));
            for (EmbeddedRedis node : cluster.nodes()) {
                long held = countOn(node, tagged, batch);
                assertThat(held).as("keys of tag slot %d on %s", slot, node)
                        .isEqualTo(node == cluster.nodeOf(slot) ? batch.size() : 0);
            }
        }
    }

    private static long countOn(EmbeddedRedis node, RedisIdempotencyStore tagged, List<AcquireRequest> batch) {
        RedisClient nodeClient = RedisClient.create();
        try (StatefulRedisConnection<String, String> nodeConnection = nodeClient.connect(RedisURI.create(node.uri()))) {
            // A node answers EXISTS for another node's slot with MOVED: list its keys instead.
            return nodeConnection.sync().keys(tagged.redisKey("*")).stream()
                    .filter(key -> batch.stream().anyMatch(request -> key.equals(tagged.redisKey(request.key()))))
                    .count();
        } finally {
            nodeClient.shutdown();
        }
    }
}
