package io.github.sqsreliable.dynamo;

import static io.github.sqsreliable.dynamo.Tables.acquire;
import static io.github.sqsreliable.dynamo.Tables.acquired;
import static io.github.sqsreliable.dynamo.Tables.newKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.test.EmbeddedDynamoDb;
import io.github.sqsreliable.testing.RecordingInterceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/** The batched acquire: one read for the batch, writes only for keys not already done. */
@Timeout(60)
class BatchAcquireIT {

    private static final Duration LONG = Duration.ofMinutes(5);

    private static String table;
    private static DynamoDbIdempotencyStore setup;
    private final List<DynamoDbAsyncClient> clients = new ArrayList<>();

    @BeforeAll
    static void createTable() {
        table = Tables.newTable();
        setup = DynamoDbIdempotencyStore.builder().client(EmbeddedDynamoDb.shared().client()).tableName(table)
                .build();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(DynamoDbAsyncClient::close);
    }

    private DynamoDbIdempotencyStore storeWith(ExecutionInterceptor... interceptors) {
        DynamoDbAsyncClient client = EmbeddedDynamoDb.shared().newClient(interceptors);
        clients.add(client);
        return DynamoDbIdempotencyStore.builder().client(client).tableName(table).build();
    }

    private static String completedKey(String payloadHash) {
        String key = newKey();
        FencingToken token = acquired(setup, key, LONG, payloadHash);
        assertThat(setup.complete(key, token, LONG).join()).isTrue();
        return key;
    }

    private static String heldKey(String payloadHash) {
        String key = newKey();
        acquired(setup, key, LONG, payloadHash);
        return key;
    }

    @Test
    void batchOfTenReadsOnceAndWritesOnlyForKeysNotCompleted() {
        List<String> keys = List.of(completedKey("c0"), newKey(), heldKey("h2"), completedKey("c3"), newKey(),
                completedKey("c5"), heldKey("h6"), newKey(), completedKey("c8"), heldKey("h9"));
        RecordingInterceptor requests = new RecordingInterceptor();
        DynamoDbIdempotencyStore store = storeWith(requests);

        List<AcquireResult> results = store.acquire(keys.stream()
                .map(key -> new AcquireRequest(key, LONG, "new")).toList()).join();

        assertThat(results).hasSize(10);
        for (int i : new int[] {0, 3, 5, 8}) {
            assertThat(results.get(i)).as("result %d", i).isEqualTo(new AcquireResult.Completed("c" + i));
        }
        for (int i : new int[] {2, 6, 9}) {
            assertThat(results.get(i)).as("result %d", i).isInstanceOfSatisfying(AcquireResult.InProgress.class,
                    inProgress -> assertThat(inProgress.payloadHash()).isEqualTo("h" + i));
        }
        for (int i : new int[] {1, 4, 7}) {
            assertThat(results.get(i)).as("result %d", i).isInstanceOf(AcquireResult.Acquired.class);
        }
        assertThat(requests.calls()).extracting(RecordingInterceptor.Call::operation)
                .first().isEqualTo("BatchGetItemRequest");
        assertThat(requests.calls("BatchGetItemRequest")).hasSize(1);
        assertThat(requests.calls("PutItemRequest")).hasSize(6);
        assertThat(requests.calls()).hasSize(7);
    }

    @Test
    void singleKeyIsOneConditionalPutWithoutARead() {
        String done = completedKey("d");
        RecordingInterceptor requests = new RecordingInterceptor();
        DynamoDbIdempotencyStore store = storeWith(requests);

        assertThat(acquire(store, newKey(), LONG, null)).isInstanceOf(AcquireResult.Acquired.class);
        assertThat(acquire(store, done, LONG, null)).isEqualTo(new AcquireResult.Completed("d"));

        assertThat(requests.calls()).extracting(RecordingInterceptor.Call::operation)
                .containsExactly("PutItemRequest", "PutItemRequest");
    }

    @Test
    void expiredCompletedRecordIsAcquiredAgainRatherThanAnsweredFromTheRead() {
        TestClock clock = new TestClock();
        DynamoDbIdempotencyStore store = storeWith().toBuilder().clock(clock).build();
        String expired = newKey();
        FencingToken token = acquired(store, expired, LONG, "old");
        assertThat(store.complete(expired, token, Duration.ofMinutes(1)).join()).isTrue();
        String stillDone = newKey();
        token = acquired(store, stillDone, LONG, "done");
        assertThat(store.complete(stillDone, token, Duration.ofHours(1)).join()).isTrue();

        clock.advance(Duration.ofMinutes(2));
        List<AcquireResult> results = store.acquire(List.of(new AcquireRequest(expired, LONG, "new"),
                new AcquireRequest(stillDone, LONG, "new"))).join();

        assertThat(results.get(0)).isInstanceOf(AcquireResult.Acquired.class);
        assertThat(results.get(1)).isEqualTo(new AcquireResult.Completed("done"));
    }

    @Test
    void keysLeftUnprocessedByTheReadAreReadAgain() {
        List<String> keys = List.of(completedKey("a"), completedKey("b"), newKey());
        UnprocessingInterceptor unprocessing = new UnprocessingInterceptor(1);
        RecordingInterceptor requests = new RecordingInterceptor();
        DynamoDbIdempotencyStore store = storeWith(unprocessing, requests);

        List<AcquireResult> results = store.acquire(keys.stream()
                .map(key -> new AcquireRequest(key, LONG, null)).toList()).join();

        assertThat(results.get(0)).isEqualTo(new AcquireResult.Completed("a"));
        assertThat(results.get(1)).isEqualTo(new AcquireResult.Completed("b"));
        assertThat(results.get(2)).isInstanceOf(AcquireResult.Acquired.class);
        assertThat(requests.calls("BatchGetItemRequest")).hasSize(2);
        assertThat(requests.calls("PutItemRequest")).hasSize(1);
    }

    @Test
    void keysNeverProcessedByTheReadAreDecidedByTheWrite() {
        List<String> keys = List.of(completedKey("a"), heldKey("b"), newKey());
        UnprocessingInterceptor unprocessing = new UnprocessingInterceptor(Integer.MAX_VALUE);
        RecordingInterceptor requests = new RecordingInterceptor();
        DynamoDbIdempotencyStore store = storeWith(unprocessing, requests);

        List<AcquireResult> results = store.acquire(keys.stream()
                .map(key -> new AcquireRequest(key, LONG, null)).toList()).join();

        assertThat(results.get(0)).isEqualTo(new AcquireResult.Completed("a"));
        assertThat(results.get(1)).isInstanceOf(AcquireResult.InProgress.class);
        assertThat(results.get(2)).isInstanceOf(AcquireResult.Acquired.class);
        assertThat(requests.calls("BatchGetItemRequest")).hasSizeGreaterThan(1);
        assertThat(requests.calls("PutItemRequest")).hasSize(3);
    }

    @Test
    void aFailedWriteFailsTheBatchAndReleasesTheKeysItAcquired() {
        String failing = newKey();
        List<String> free = List.of(newKey(), newKey(), newKey());
        DynamoDbIdempotencyStore store = storeWith(new FailingPutInterceptor(failing));
        List<AcquireRequest> batch = new ArrayList<>();
        free.forEach(key -> batch.add(new AcquireRequest(key, LONG, null)));
        batch.add(1, new AcquireRequest(failing, LONG, null));

        CompletableFuture<List<AcquireResult>> results = store.acquire(batch);

        assertThat(results).failsWithin(Duration.ofSeconds(30))
                .withThrowableThat().havingRootCause().withMessageContaining("injected failure");
        for (String key : free) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> acquire(setup, key, LONG, null) instanceof AcquireResult.Acquired);
        }
    }

    @Test
    void theSameKeyTwiceInOneBatchIsAcquiredOnce() {
        String key = newKey();

        List<AcquireResult> results = setup.acquire(List.of(new AcquireRequest(key, LONG, null),
                new AcquireRequest(key, LONG, null))).join();

        assertThat(results).filteredOn(AcquireResult.Acquired.class::isInstance).hasSize(1);
        assertThat(results).filteredOn(AcquireResult.InProgress.class::isInstance).hasSize(1);
    }

    /** Answers the first {@code times} reads as if DynamoDB had processed none of their keys. */
    private static final class UnprocessingInterceptor implements ExecutionInterceptor {
        private final AtomicInteger remaining;

        UnprocessingInterceptor(int times) {
            this.remaining = new AtomicInteger(times);
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            if (context.response() instanceof BatchGetItemResponse response
                    && context.request() instanceof BatchGetItemRequest request
                    && remaining.getAndDecrement() > 0) {
                return response.toBuilder().responses(Map.of()).unprocessedKeys(request.requestItems()).build();
            }
            return context.response();
        }
    }

    /** Fails the put of one key before it is sent. */
    private static final class FailingPutInterceptor implements ExecutionInterceptor {
        private final String key;

        FailingPutInterceptor(String key) {
            this.key = key;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof PutItemRequest put
                    && key.equals(put.item().get(DynamoDbIdempotencyStore.DEFAULT_KEY_ATTRIBUTE).s())) {
                throw new IllegalStateException("injected failure");
            }
        }
    }
}
