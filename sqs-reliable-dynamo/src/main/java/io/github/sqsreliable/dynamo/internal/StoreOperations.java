package io.github.sqsreliable.dynamo.internal;

import io.github.sqsreliable.dynamo.DynamoDbTransactionalHandler;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The store's operations. Acquiring one key is one conditional {@code PutItem}. Acquiring several is one
 * {@code BatchGetItem} (keys already completed answer at once, with no write) followed by one conditional
 * {@code PutItem} per remaining key, all in flight together. Complete, renew and release are one conditional
 * write each; completing several keys sends their writes together. A refused condition is an answer; any other failure fails the returned future. Thread-safe; never
 * blocks.
 */
public final class StoreOperations {

    private final DynamoDbAsyncClient client;
    private final StoreRequests requests;
    private final BatchReader reader;
    private final Clock clock;
    private final String tableName;

    /**
     * @param client the user's client; never closed here
     * @param layout the table and attribute names
     * @param consistentReads whether the batch read is strongly consistent
     * @param ttlMargin how long after a record expires DynamoDB's TTL may delete it
     * @param clock the time source for leases, expiry and conditions
     */
    public StoreOperations(DynamoDbAsyncClient client, ItemLayout layout, boolean consistentReads,
                           Duration ttlMargin, Clock clock) {
        this.client = client;
        this.requests = new StoreRequests(layout, consistentReads, ttlMargin);
        this.reader = new BatchReader(client, requests);
        this.clock = clock;
        this.tableName = layout.tableName();
    }

    /**
     * @param store the store whose keys the consumer acquires, which this one serves
     * @param handler the user's handler
     * @return the handler that commits the user's items with the completion of its message's record
     */
    public KeyCompletingHandler transactional(IdempotencyStore store, DynamoDbTransactionalHandler handler) {
        return new TransactionalHandler(store, client, requests, clock, tableName, handler);
    }

    /**
     * @param batch the keys to acquire
     * @return one result per request, in order
     */
    public CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> batch) {
        Objects.requireNonNull(batch, "requests");
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        for (AcquireRequest request : batch) {
            keys.add(Objects.requireNonNull(request, "request").key());
        }
        if (batch.size() == 1) {
            // A read could spare only this one write, and would cost a round trip every time: the refused put
            // answers as much.
            return acquireUnlessCompleted(batch, Map.of());
        }
        return reader.read(new ArrayList<>(keys)).thenCompose(items -> acquireUnlessCompleted(batch, items));
    }

    private CompletableFuture<List<AcquireResult>> acquireUnlessCompleted(
            List<AcquireRequest> batch, Map<String, Map<String, AttributeValue>> items) {
        long now = clock.millis();
        List<CompletableFuture<AcquireResult>> results = new ArrayList<>(batch.size());
        for (AcquireRequest request : batch) {
            StoredRecord completed = completedRecord(items.get(request.key()), request.key(), now);
            results.add(completed != null ? CompletableFuture.completedFuture(completed.refusal(now))
                    : acquireOne(request));
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).handle((done, error) -> {
            if (error != null) {
                releaseAcquired(batch, results);
                throw Futures.propagate(error);
            }
            return results.stream().map(CompletableFuture::join).toList();
        });
    }

    /**
     * The fast path trusts only a completed, unexpired record: it cannot change back until it expires. Anything
     * else (absent, in progress, unreadable) goes to the conditional write, which decides.
     */
    private StoredRecord completedRecord(Map<String, AttributeValue> item, String key, long now) {
        if (item == null) {
            return null;
        }
        try {
            StoredRecord record = requests.parse(item, key);
            return record.completed() && !record.expired(now) ? record : null;
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private CompletableFuture<AcquireResult> acquireOne(AcquireRequest request) {
        long now = clock.millis();
        FencingToken token = FencingToken.random();
        return Futures.call(() -> client.putItem(requests.acquire(request, token, now))).handle((put, error) -> {
            if (error == null) {
                return new AcquireResult.Acquired(token);
            }
            if (Futures.unwrap(error) instanceof ConditionalCheckFailedException refused) {
                return requests.parse(refused.item(), request.key()).refusal(now);
            }
            throw Futures.propagate(error);
        });
    }

    /**
     * When part of a batch fails, the caller sees only the failure and will never use the tokens acquired: give
     * those keys up now rather than leave them held until their leases expire. Best effort.
     */
    private void releaseAcquired(List<AcquireRequest> batch, List<CompletableFuture<AcquireResult>> results) {
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture<AcquireResult> result = results.get(i);
            if (!result.isCompletedExceptionally() && result.join() instanceof AcquireResult.Acquired acquired) {
                release(batch.get(i).key(), acquired.token());
            }
        }
    }

    /**
     * @param key the key
     * @param token the acquisition's token
     * @param ttl how long the completed record lasts
     * @return true if completed, false if the token no longer holds the key
     */
    public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
        requireHeld(key, token);
        requirePositive(ttl, "ttl");
        long now = clock.millis();
        return conditionally(() -> client.updateItem(requests.complete(key, token, ttl, now)));
    }

    /**
     * Completes several keys: one conditional {@code UpdateItem} per key, all in flight at once, so the batch
     * takes about one round trip of time though it is several requests.
     *
     * <p>Why not one request: {@code BatchWriteItem} takes no conditions, and the fencing token must be checked
     * per key. {@code TransactWriteItems} does take them, but is all-or-nothing: one key whose lease was taken
     * over (an expected, per-key answer of {@code false}) would cancel the others' completions, and sorting that
     * out costs a second transaction; a transaction also costs twice the write capacity per item. Independent
     * writes answer each key on its own, exactly as {@link #complete} would.
     *
     * @param batch the keys and their tokens
     * @param ttl how long the completed records last
     * @return one answer per request, in order; fails if any write failed (the others stay completed)
     */
    public CompletableFuture<List<Boolean>> completeAll(List<CompleteRequest> batch, Duration ttl) {
        Objects.requireNonNull(batch, "requests");
        requirePositive(ttl, "ttl");
        long now = clock.millis();
        List<CompletableFuture<Boolean>> answers = new ArrayList<>(batch.size());
        for (CompleteRequest request : batch) {
            Objects.requireNonNull(request, "request");
            answers.add(conditionally(() -> client.updateItem(
                    requests.complete(request.key(), request.token(), ttl, now))));
        }
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]))
                .thenApply(allAnswered -> answers.stream().map(CompletableFuture::join).toList());
    }

    /**
     * @param key the key
     * @param token the acquisition's token
     * @return true if released, false if the token no longer holds the key
     */
    public CompletableFuture<Boolean> release(String key, FencingToken token) {
        requireHeld(key, token);
        long now = clock.millis();
        return conditionally(() -> client.deleteItem(requests.release(key, token, now)));
    }

    /**
     * @param key the key
     * @param token the acquisition's token
     * @param lease the new lease, from now
     * @return true if renewed, false if the token no longer holds the key
     */
    public CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease) {
        requireHeld(key, token);
        requirePositive(lease, "lease");
        long now = clock.millis();
        return conditionally(() -> client.updateItem(requests.renew(key, token, lease, now)));
    }

    private static CompletableFuture<Boolean> conditionally(Supplier<? extends CompletableFuture<?>> write) {
        CompletableFuture<?> written;
        try {
            written = write.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return written.handle((response, error) -> {
            if (error == null) {
                return true;
            }
            if (Futures.unwrap(error) instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw Futures.propagate(error);
        });
    }

    private static void requireHeld(String key, FencingToken token) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(token, "token");
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " (" + duration + ") must be positive");
        }
    }
}
