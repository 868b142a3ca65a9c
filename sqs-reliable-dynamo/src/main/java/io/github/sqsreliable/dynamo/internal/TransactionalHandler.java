package io.github.sqsreliable.dynamo.internal;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.dynamo.DynamoDbTransactionCanceledException;
import io.github.sqsreliable.dynamo.DynamoDbTransactionalHandler;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;
import io.github.sqsreliable.idempotency.KeyTakenOverException;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.TransientFailureException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Runs a {@link DynamoDbTransactionalHandler} and sends what it added in one {@code TransactWriteItems} with the
 * completion of its message's idempotency record, on condition that the record still carries this delivery's
 * token. On the worker thread, which may block: the only SDK calls here are awaited, up to
 * {@link #COMMIT_TIMEOUT}. Not API.
 *
 * <p>What each ending leaves: a commit leaves the items and the completed record; a handler failure, a cancelled
 * or refused transaction, or a crash before the commit leaves neither. A commit whose answer is lost leaves one
 * state or the other, both of which the next delivery reads correctly (done: deleted as a duplicate; held:
 * released or expired, then handled). The request carries a {@code ClientRequestToken} derived from the key and
 * token, so a resend of a transaction that committed (the SDK's retry after a lost answer) is answered as a
 * success, not as a cancellation on the record it completed.
 */
public final class TransactionalHandler implements KeyCompletingHandler {

    /** How long the worker waits for DynamoDB's answer; the client's own timeouts usually end it sooner. */
    static final Duration COMMIT_TIMEOUT = Duration.ofMinutes(1);
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    /** Cancellation reasons that say nothing about the items, only about this moment. */
    private static final Set<String> TRANSIENT_REASONS =
            Set.of("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded");

    private final IdempotencyStore store;
    private final DynamoDbAsyncClient client;
    private final StoreRequests requests;
    private final Clock clock;
    private final String tableName;
    private final DynamoDbTransactionalHandler handler;

    TransactionalHandler(IdempotencyStore store, DynamoDbAsyncClient client, StoreRequests requests, Clock clock,
                         String tableName, DynamoDbTransactionalHandler handler) {
        this.store = Objects.requireNonNull(store, "store");
        this.client = client;
        this.requests = requests;
        this.clock = clock;
        this.tableName = tableName;
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public IdempotencyStore store() {
        return store;
    }

    @Override
    public void handle(SqsMessage message) throws Exception {
        HeldKey held = HeldKey.require(message, store);
        TransactionItems transaction = new TransactionItems();
        try {
            handler.handle(message, transaction);
        } finally {
            transaction.close();
        }
        commit(message, held, transaction.items());
        held.markCompletedByHandler();
    }

    private void commit(SqsMessage message, HeldKey held, List<TransactWriteItem> handlerItems) throws Exception {
        List<TransactWriteItem> items = new ArrayList<>(handlerItems);
        // Last, so that the handler's items keep their own indexes in the cancellation reasons.
        items.add(TransactWriteItem.builder()
                .update(requests.completeInTransaction(held.key(), held.token(), held.ttl(), clock.millis()))
                .build());
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
                .transactItems(items)
                .clientRequestToken(requestToken(held.key(), held.token()))
                .build();
        try {
            await(client.transactWriteItems(request), message, "the transaction");
        } catch (TransactionCanceledException e) {
            throw cancelled(message, held, handlerItems.size(), e);
        } catch (DynamoDbException e) {
            if (e.awsErrorDetails() != null && "ValidationException".equals(e.awsErrorDetails().errorCode())) {
                // The reason first: failure records keep only the start of a long message.
                throw new PermanentFailureException("DynamoDB refused the transaction ("
                        + e.awsErrorDetails().errorMessage() + "), as it will on every delivery: a transaction "
                        + "holds at most 4 MB, one operation per item (the idempotency record's included) and "
                        + "well-formed items; nothing was written (message " + message.messageId() + ", "
                        + handlerItems.size() + " items of the handler)", e);
            }
            throw e;
        }
    }

    /**
     * Same key and token, same request token, so DynamoDB answers any repeat of this transaction within 10 minutes
     * as the commit it made. The SDK would generate a token per call, which covers its own retries; one derived
     * from the acquisition covers any resend of the same delivery's transaction too. Another delivery holds
     * another token, hence another request token. 36 characters, DynamoDB's maximum.
     */
    static String requestToken(String key, FencingToken token) {
        return UUID.nameUUIDFromBytes((key + '\n' + token.value()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private Exception cancelled(SqsMessage message, HeldKey held, int handlerItems, TransactionCanceledException e)
            throws Exception {
        String subject = "message " + message.messageId();
        String prefix = subject + ": ";
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        boolean readable = reasons.size() == handlerItems + 1;
        CancellationReason recordReason = readable ? reasons.get(handlerItems) : null;
        if (recordReason == null || CONDITION_FAILED.equals(recordReason.code())) {
            Map<String, AttributeValue> record = recordReason != null && recordReason.hasItem()
                    && !recordReason.item().isEmpty() ? recordReason.item() : readRecord(message, held);
            // Neither failure below carries DynamoDB's 400 as its cause, which a classifier would read as permanent:
            // nothing was written, and the next delivery acquires the key afresh.
            if (record == null || record.isEmpty()) {
                return new IllegalStateException(prefix + "its idempotency key " + held.key() + " has no record in "
                        + tableName + ", so the handler's items were not written. Was the record deleted (by hand, "
                        + "or by a consumer that took the expired lease over, then released it), or does the consumer "
                        + "acquire keys in another table than this handler's store?");
            }
            if (!held.token().value().equals(requests.tokenOf(record))) {
                return new KeyTakenOverException(prefix + "its idempotency lease expired and another consumer took "
                        + "the key " + held.key() + " over (now " + requests.describeHolder(record) + "); the "
                        + "handler's " + handlerItems + " items were not written");
            }
            if (recordReason != null) {
                return new IllegalStateException(prefix + "the idempotency record of key " + held.key() + " still "
                        + "carries this delivery's token but is " + requests.describeHolder(record)
                        + ", so DynamoDB cancelled the transaction; nothing was written");
            }
            return new SqsReliableException(prefix + "DynamoDB cancelled the transaction without a reason per item ("
                    + e.getMessage() + "); the idempotency record is still this delivery's; nothing was written", e);
        }
        List<CancellationReason> handlerReasons = reasons.subList(0, handlerItems);
        if (handlerReasons.stream().anyMatch(reason -> CONDITION_FAILED.equals(reason.code()))) {
            return new DynamoDbTransactionCanceledException(subject, handlerReasons, e);
        }
        String why = prefix + "DynamoDB cancelled the transaction: " + describe(reasons) + "; nothing was written";
        if (reasons.stream().anyMatch(reason -> TRANSIENT_REASONS.contains(reason.code()))) {
            return new TransientFailureException(why, e);
        }
        return new PermanentFailureException(why, e);
    }

    private Map<String, AttributeValue> readRecord(SqsMessage message, HeldKey held) throws Exception {
        return await(client.getItem(requests.readHolder(held.key())), message, "reading the idempotency record")
                .item();
    }

    private static String describe(List<CancellationReason> reasons) {
        List<String> failures = new ArrayList<>();
        int record = reasons.size() - 1;
        for (int i = 0; i < reasons.size(); i++) {
            CancellationReason reason = reasons.get(i);
            if (reason.code() != null && !"None".equals(reason.code())) {
                failures.add((i == record ? "the idempotency record" : "the handler's item " + i) + " failed with "
                        + reason.code() + (reason.message() == null ? "" : " (" + reason.message() + ")"));
            }
        }
        return String.join(", ", failures);
    }

    /** Waits for an SDK call on the worker thread; its failure is thrown as the SDK threw it. */
    private static <T> T await(CompletableFuture<T> call, SqsMessage message, String what) throws Exception {
        try {
            return call.get(COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        } catch (TimeoutException e) {
            call.cancel(true);
            TimeoutException timeout = new TimeoutException("message " + message.messageId() + ": DynamoDB did not "
                    + "answer " + what + " within " + COMMIT_TIMEOUT + "; the transaction may still commit, and the "
                    + "next delivery finds the key completed, or free");
            timeout.initCause(e);
            throw timeout;
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "DynamoDB transactional handler completing keys in " + tableName;
    }
}
