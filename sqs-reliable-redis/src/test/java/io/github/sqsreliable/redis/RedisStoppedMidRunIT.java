package io.github.sqsreliable.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.test.EmbeddedRedis;
import io.github.sqsreliable.testing.SimulatedWork;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redis stops while a consumer runs: no handler runs without a lock, nothing is lost, and it resumes. */
@Timeout(120)
class RedisStoppedMidRunIT {

    @Test
    void noHandlerRunsWithoutALockWhileRedisIsDownAndNothingIsLost() {
        // given a consumer using a private Redis, and 600 messages
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(5)));
        sqs.sendAll(queueUrl, IntStream.range(0, 600).mapToObj(i -> "m" + i).toList());
        EmbeddedRedis redis = EmbeddedRedis.startPrivate();
        ClientResources resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100)))
                .build();
        RedisClient client = RedisClient.create(resources, redis.uri());
        StatefulRedisConnection<String, String> connection = client.connect();
        RedisIdempotencyStore store = RedisIdempotencyStore.builder().connection(connection)
                .commandTimeout(Duration.ofMillis(500)).build();
        // Record every key the store hands out: a handler may only ever run for a message whose key it got.
        Set<String> acquiredKeys = ConcurrentHashMap.newKeySet();
        IdempotencyStore recording = new RecordingStore(store, acquiredKeys);
        String namespace = "stopped-mid-run";
        AtomicInteger handledWithoutLock = new AtomicInteger();
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .maxConcurrency(8)
                .idempotency(Idempotency.builder().store(recording).key(message -> message.body())
                        .namespace(namespace).storeTimeout(Duration.ofSeconds(1)).build())
                .handler(message -> {
                    if (!acquiredKeys.contains(storeKey(namespace, message.body()))) {
                        handledWithoutLock.incrementAndGet();
                    }
                    SimulatedWork.lasting(Duration.ofMillis(20));
                    handled.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet();
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() >= 100);

            // when Redis stops mid-run, and comes back a few seconds later
            redis.stop();
            int handledBeforeOutage = handled.size();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().idempotencyStoreFailures() >= 5);
            redis.start();

            // then processing resumes and every message is handled exactly once, nothing left on the queue
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> sqs.counts(queueUrl).total() == 0);
            assertThat(handled).hasSize(600);
            assertThat(handled.values()).allSatisfy(count -> assertThat(count).hasValue(1));
            assertThat(handledWithoutLock).hasValue(0);
            assertThat(handledBeforeOutage).isLessThan(600);
            assertThat(consumer.metrics().idempotencyStoreFailures()).isPositive();
        } finally {
            connection.close();
            client.shutdown();
            resources.shutdown();
            redis.close();
        }
    }

    private static String storeKey(String namespace, String rawKey) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((namespace + "\n" + rawKey).getBytes(StandardCharsets.UTF_8)));
    }

    /** Passes every call through, and notes the keys it hands out. */
    private record RecordingStore(IdempotencyStore delegate, Set<String> acquiredKeys) implements IdempotencyStore {

        @Override
        public CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> requests) {
            return delegate.acquire(requests).thenApply(results -> {
                for (int i = 0; i < results.size(); i++) {
                    if (results.get(i) instanceof AcquireResult.Acquired) {
                        acquiredKeys.add(requests.get(i).key());
                    }
                }
                return results;
            });
        }

        @Override
        public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
            return delegate.complete(key, token, ttl);
        }

        @Override
        public CompletableFuture<Boolean> release(String key, FencingToken token) {
            return delegate.release(key, token);
        }

        @Override
        public CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease) {
            return delegate.renew(key, token, lease);
        }
    }
}
