package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.redis.RedisIdempotencyStore;
import io.github.sqsreliable.test.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Core and the Redis store (versions given directly in core-redis, through sqs-reliable-bom in core-redis-bom, which
 * runs this same test): a consumer with Redis idempotency, on the SDK's default HTTP client.
 */
class ConsumerTest {

    private static final int MESSAGES = 20;
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    @Test
    void consumerHandlesAndDeletesEveryMessage() throws Exception {
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        String queueUrl = sqs.createQueue();
        List<String> bodies = IntStream.range(0, MESSAGES).mapToObj(i -> "message-" + i).toList();
        sqs.sendAll(queueUrl, bodies);

        // Lettuce (Netty 4.2) and the SDK's default async client (netty-nio-client) share one Netty in this JVM.
        RedisClient redisClient = RedisClient.create(EmbeddedRedis.shared().uri());
        StatefulRedisConnection<String, String> redis = redisClient.connect();
        Idempotency idempotency = Idempotency.builder()
                .store(RedisIdempotencyStore.builder().connection(redis).build())
                .build();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        CountDownLatch allHandled = new CountDownLatch(MESSAGES);
        try (SqsAsyncClient client = SqsAsyncClient.builder()
                .endpointOverride(sqs.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .build();
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .handler(message -> {
                         if (handled.add(message.body())) {
                             allHandled.countDown();
                         }
                     })
                     .idempotency(idempotency)   // fail-closed: a store that cannot reach Redis handles nothing
                     .waitTime(Duration.ofSeconds(1))
                     .build()) {
            consumer.start();

            assertTrue(allHandled.await(30, TimeUnit.SECONDS),
                    "handled " + handled.size() + " of " + MESSAGES + " messages; metrics: " + consumer.metrics());
            // Every message deleted: nothing visible, in flight or delayed is left on the queue.
            sqs.awaitDrained(queueUrl, Duration.ofSeconds(10));
        } finally {
            redis.close();
            redisClient.shutdown();
        }
        assertEquals(Set.copyOf(bodies), handled);
    }
}
