package io.github.sqsreliable.dynamo.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Reads the records of many keys with {@code BatchGetItem}: at most 100 keys per request, requests issued at
 * once. Keys DynamoDB leaves unprocessed (throttling, the 16 MB response limit) are read again after a short
 * backoff; keys still unprocessed after {@link #MAX_ATTEMPTS} are reported as unread, which only costs the caller
 * its fast path: the conditional write decides anyway.
 */
final class BatchReader {

    static final int MAX_KEYS_PER_REQUEST = 100;
    static final int MAX_ATTEMPTS = 6;
    private static final long FIRST_BACKOFF_MILLIS = 20;
    private static final long MAX_BACKOFF_MILLIS = 1_000;

    private final DynamoDbAsyncClient client;
    private final StoreRequests requests;

    BatchReader(DynamoDbAsyncClient client, StoreRequests requests) {
        this.client = client;
        this.requests = requests;
    }

    /**
     * @param keys distinct keys
     * @return the items found, by key; a key is missing if its item does not exist or could not be read
     */
    CompletableFuture<Map<String, Map<String, AttributeValue>>> read(List<String> keys) {
        Map<String, Map<String, AttributeValue>> found = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> chunks = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += MAX_KEYS_PER_REQUEST) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + MAX_KEYS_PER_REQUEST));
            chunks.add(read(requests.batchRead(chunk), 1, found));
        }
        return CompletableFuture.allOf(chunks.toArray(new CompletableFuture<?>[0])).thenApply(done -> found);
    }

    private CompletableFuture<Void> read(BatchGetItemRequest request, int attempt,
                                         Map<String, Map<String, AttributeValue>> found) {
        return Futures.call(() -> client.batchGetItem(request)).thenCompose(response -> {
            for (List<Map<String, AttributeValue>> items : response.responses().values()) {
                for (Map<String, AttributeValue> item : items) {
                    String key = requests.keyOf(item);
                    if (key != null) {
                        found.put(key, item);
                    }
                }
            }
            Map<String, KeysAndAttributes> unprocessed = response.unprocessedKeys();
            if (unprocessed == null || unprocessed.values().stream().allMatch(k -> k.keys().isEmpty())
                    || attempt >= MAX_ATTEMPTS) {
                return CompletableFuture.completedFuture(null);
            }
            BatchGetItemRequest retry = request.toBuilder().requestItems(unprocessed).build();
            return Futures.delay(backoff(attempt)).thenCompose(slept -> read(retry, attempt + 1, found));
        });
    }

    /** Exponential, with jitter so that consumers throttled together do not retry together. */
    private static Duration backoff(int attempt) {
        long ceiling = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << (attempt - 1));
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }
}
