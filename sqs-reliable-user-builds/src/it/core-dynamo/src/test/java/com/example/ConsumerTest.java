package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.dynamo.DynamoDbIdempotencyStore;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.test.EmbeddedDynamoDb;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
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

/** Core and the DynamoDB store: a consumer with DynamoDB idempotency, both clients the SDK's default (Netty) ones. */
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

        EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.shared();
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder()
                .endpointOverride(dynamoDb.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .build();
        String table = dynamoDb.newTableName();
        DynamoDbIdempotencyStore.createTable(dynamo, table).join();
        Idempotency idempotency = Idempotency.builder()
                .store(DynamoDbIdempotencyStore.builder().client(dynamo).tableName(table).build())
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
                     .idempotency(idempotency)
                     .waitTime(Duration.ofSeconds(1))
                     .build()) {
            consumer.start();

            assertTrue(allHandled.await(30, TimeUnit.SECONDS),
                    "handled " + handled.size() + " of " + MESSAGES + " messages; metrics: " + consumer.metrics());
            // Every message deleted: nothing visible, in flight or delayed is left on the queue.
            sqs.awaitDrained(queueUrl, Duration.ofSeconds(10));
        } finally {
            dynamo.close();
        }
        assertEquals(Set.copyOf(bodies), handled);
    }
}
