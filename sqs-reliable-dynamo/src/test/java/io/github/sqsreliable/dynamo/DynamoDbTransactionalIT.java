package io.github.sqsreliable.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.KeyTakenOverException;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.TransientFailureException;
import io.github.sqsreliable.test.EmbeddedDynamoDb;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The transactional mode end to end: a real consumer on ElasticMQ, idempotency on a DynamoDB Local store, and a
 * handler whose items commit in one transaction with the message's completion record.
 */
@Timeout(120)
class DynamoDbTransactionalIT {

    private static final Duration VISIBILITY = Duration.ofSeconds(10);
    private static final Duration TTL = Duration.ofHours(1);
    /** DynamoDB's largest item is 400 KB; ten of these fit in a 4 MB transaction, eleven do not. */
    private static final int LARGE_VALUE_BYTES = 390_000;

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();
    private final EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.shared();
    private final StoreCalls storeCalls = new StoreCalls();
    private final CancelNextTransaction cancelNext = new CancelNextTransaction();
    private final LoseNextCommitAnswer loseNextAnswer = new LoseNextCommitAnswer();
    private final List<ConsumerEvent.MessageFailed> failures = new CopyOnWriteArrayList<>();
    private DynamoDbAsyncClient client;
    private String idempotencyTable;
    private DynamoDbIdempotencyStore store;
    private String orders;
    private String queueUrl;
    private String deadLetterQueue;

    @BeforeEach
    void createTablesAndQueues() {
        client = dynamo.newClient(storeCalls, cancelNext, loseNextAnswer);
        idempotencyTable = Tables.newTable();
        store = DynamoDbIdempotencyStore.builder().client(client).tableName(idempotencyTable).build();
        orders = dynamo.newTableName();
        dynamo.client().createTable(request -> request.tableName(orders)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)).join();
        deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void commitsTheHandlersItemsWithTheCompletedRecordAndDeletesTheMessageWithoutASecondCompletion() {
        // given an order message
        sqs.sendAll(queueUrl, List.of("order-1"));
        AtomicReference<HeldKey> held = new AtomicReference<>();
        long before = System.currentTimeMillis();

        // when the handler puts the order and counts it in another item
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            held.set(HeldKey.current().orElseThrow());
            transaction.put(order(message.body(), "PLACED"))
                    .update(Update.builder().tableName(orders).key(id("stats"))
                            .updateExpression("ADD placed :one")
                            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).build());
        })) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);
            long after = System.currentTimeMillis();

            // then both items and the completed record were written, by one transaction and no other store write
            assertThat(ordersItem("order-1")).containsEntry("state", AttributeValue.fromS("PLACED"));
            assertThat(ordersItem("stats")).containsEntry("placed", AttributeValue.fromN("1"));
            Map<String, AttributeValue> record = record(held.get());
            assertThat(record).containsEntry("status", AttributeValue.fromS("COMPLETED"))
                    .containsEntry("token", AttributeValue.fromS(held.get().token().value()));
            long expiresAt = Long.parseLong(record.get("expiresAt").n());
            assertThat(expiresAt).isBetween(before + TTL.toMillis(), after + TTL.toMillis());
            long ttlMargin = DynamoDbIdempotencyStore.DEFAULT_TTL_MARGIN.toSeconds();
            assertThat(Long.parseLong(record.get("ttl").n())).isEqualTo((expiresAt + 999) / 1000 + ttlMargin);
            assertThat(storeCalls.transactions).hasValue(1);
            assertThat(storeCalls.completions).hasValue(0);
            assertThat(consumer.metrics().succeeded()).isEqualTo(1);
            assertThat(sqs.counts(queueUrl).total()).isZero();
        }
    }

    @Test
    void aDuplicateSentAfterTheCommitIsDeletedWithoutRunningTheHandler() {
        // given an order handled and committed
        sqs.sendAll(queueUrl, List.of("order-2"));
        AtomicInteger runs = new AtomicInteger();
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            runs.incrementAndGet();
            transaction.put(order(message.body(), "PLACED"));
        })) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);

            // when the producer sends it again
            sqs.sendAll(queueUrl, List.of("order-2"));
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 2);

            // then the copy was deleted as a duplicate, and the handler ran once
            assertThat(runs).hasValue(1);
            assertThat(consumer.metrics().duplicatesSkipped()).isEqualTo(1);
            assertThat(storeCalls.transactions).hasValue(1);
            assertThat(storeCalls.completions).hasValue(0);
        }
    }

    @Test
    void aHandlerThatThrowsWritesNothingReleasesTheKeyAndItsRetryCommits() {
        // given a handler that adds its item, then fails on its first attempt
        sqs.sendAll(queueUrl, List.of("order-3"));
        List<FencingToken> tokens = new CopyOnWriteArrayList<>();
        AtomicReference<Map<String, AttributeValue>> seenBySecondAttempt = new AtomicReference<>();
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            tokens.add(HeldKey.current().orElseThrow().token());
            int attempt = tokens.size();
            if (attempt == 2) {
                seenBySecondAttempt.set(ordersItem("order-3"));
            }
            transaction.put(order(message.body(), "attempt-" + attempt));
            if (attempt == 1) {
                throw new IllegalStateException("the payment service said no, this time");
            }
        })) {
            // when it runs
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);

            // then the first attempt wrote nothing and gave its key up; the retry acquired it anew and committed
            assertThat(failures).singleElement().satisfies(failure -> {
                assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
                assertThat(failure.error()).hasMessageContaining("said no");
            });
            assertThat(seenBySecondAttempt.get()).isEmpty();
            assertThat(storeCalls.releases).hasValue(1);
            assertThat(tokens).hasSize(2).doesNotHaveDuplicates();
            assertThat(ordersItem("order-3")).containsEntry("state", AttributeValue.fromS("attempt-2"));
            assertThat(storeCalls.transactions).hasValue(1);
            assertThat(storeCalls.completions).hasValue(0);
        }
    }

    @Test
    void aFailedConditionOfTheHandlersOwnWritesNothingAndDeadLettersByDefault() {
        // given an order that exists already
        dynamo.client().putItem(PutItemRequest.builder().tableName(orders)
                .item(Map.of("id", AttributeValue.fromS("order-4"), "state", AttributeValue.fromS("SHIPPED")))
                .build()).join();
        sqs.sendAll(queueUrl, List.of("order-4"));
        AtomicReference<HeldKey> held = new AtomicReference<>();

        // when the handler audits, then places the order only if absent
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            held.set(HeldKey.current().orElseThrow());
            transaction.put(order("audit-4", "SEEN"))
                    .put(order(message.body(), "PLACED").toBuilder()
                            .conditionExpression("attribute_not_exists(id)").build());
        })) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deadLettered() == 1);

            // then nothing was written, and the failure names the item and its reason
            assertThat(ordersItem("audit-4")).isEmpty();
            assertThat(ordersItem("order-4")).containsEntry("state", AttributeValue.fromS("SHIPPED"));
            assertThat(record(held.get())).doesNotContainEntry("status", AttributeValue.fromS("COMPLETED"));
            assertThat(failures).singleElement().satisfies(failure -> {
                assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT);
                assertThat(failure.error()).isInstanceOfSatisfying(DynamoDbTransactionCanceledException.class,
                        cancelled -> {
                            assertThat(cancelled.failedItems()).containsExactly(1);
                            assertThat(cancelled.reasons()).hasSize(2);
                        });
            });
        }
        FailureRecord failure = deadLettered();
        assertThat(failure.errorClass()).isEqualTo(DynamoDbTransactionCanceledException.class.getName());
        assertThat(failure.errorMessage()).contains("the handler's item 1 failed with ConditionalCheckFailed")
                .contains("nothing was written");
    }

    @Test
    void aFailedConditionIsRetriedWhenTheClassifierSaysSoAndTheRetryReadsFreshValues() {
        // given a stock item at version 1, which the first attempt believes to be at version 0 (an optimistic lock)
        dynamo.client().putItem(PutItemRequest.builder().tableName(orders).item(Map.of(
                "id", AttributeValue.fromS("stock-17"), "version", AttributeValue.fromN("1"))).build()).join();
        sqs.sendAll(queueUrl, List.of("order-17"));
        AtomicInteger attempts = new AtomicInteger();
        DynamoDbTransactionalHandler handler = (message, transaction) -> {
            long seen = attempts.incrementAndGet() == 1 ? 0
                    : Long.parseLong(ordersItem("stock-17").get("version").n());
            transaction.put(order(message.body(), "PLACED"))
                    .update(Update.builder().tableName(orders).key(id("stock-17"))
                            .updateExpression("SET version = :next")
                            .conditionExpression("version = :seen")
                            .expressionAttributeValues(Map.of(
                                    ":seen", AttributeValue.fromN(Long.toString(seen)),
                                    ":next", AttributeValue.fromN(Long.toString(seen + 1))))
                            .build());
        };

        // when the classifier makes the handler's own cancelled conditions transient
        try (SqsConsumer consumer = consumer(handler, ErrorClassifier.builder()
                .transientWhen(e -> e instanceof DynamoDbTransactionCanceledException).build())) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);

            // then the first attempt was retried, and the second committed against the fresh version
            assertThat(failures).singleElement().satisfies(failure -> {
                assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
                assertThat(failure.error()).isInstanceOf(DynamoDbTransactionCanceledException.class);
            });
            assertThat(attempts).hasValue(2);
            assertThat(ordersItem("stock-17")).containsEntry("version", AttributeValue.fromN("2"));
            assertThat(ordersItem("order-17")).isNotEmpty();
        }
    }

    @Test
    void aHolderWhoseKeyWasTakenOverWritesNothingAndTheNewHolderCommits() {
        // given a handler whose first attempt finds its key taken over by another consumer before it commits
        sqs.sendAll(queueUrl, List.of("order-5"));
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<HeldKey> lastHeld = new AtomicReference<>();
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            int attempt = attempts.incrementAndGet();
            HeldKey held = HeldKey.current().orElseThrow();
            lastHeld.set(held);
            if (attempt == 1) {
                // what another consumer's acquisition writes after this one's lease expired; it holds for 2 s
                long expiresAt = System.currentTimeMillis() + 2_000;
                dynamo.client().putItem(PutItemRequest.builder().tableName(idempotencyTable).item(Map.of(
                        "id", AttributeValue.fromS(held.key()),
                        "status", AttributeValue.fromS("IN_PROGRESS"),
                        "token", AttributeValue.fromS("another-consumer"),
                        "expiresAt", AttributeValue.fromN(Long.toString(expiresAt)),
                        "ttl", AttributeValue.fromN(Long.toString(expiresAt / 1000 + 600)))).build()).join();
            }
            transaction.put(order(message.body() + "-attempt-" + attempt, "PLACED"));
        })) {
            // when it runs
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().deleted() == 1);

            // then the first attempt failed as taken over and wrote nothing; a later one committed
            assertThat(failures).first().satisfies(failure -> {
                assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
                assertThat(failure.error()).isInstanceOf(KeyTakenOverException.class)
                        .hasMessageContaining("another consumer took the key")
                        .hasMessageContaining("another-consumer");
            });
            assertThat(ordersItem("order-5-attempt-1")).isEmpty();
            assertThat(ordersItem("order-5-attempt-" + attempts.get())).isNotEmpty();
            assertThat(record(lastHeld.get())).containsEntry("status", AttributeValue.fromS("COMPLETED"))
                    .containsEntry("token", AttributeValue.fromS(lastHeld.get().token().value()));
        }
    }

    @Test
    void aRecordThatVanishedBeforeTheCommitWritesNothingAndSaysWhereItLooked() {
        // given a handler whose first attempt finds its record deleted before it commits
        sqs.sendAll(queueUrl, List.of("order-15"));
        AtomicInteger attempts = new AtomicInteger();
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            int attempt = attempts.incrementAndGet();
            if (attempt == 1) {
                dynamo.client().deleteItem(DeleteItemRequest.builder().tableName(idempotencyTable)
                        .key(id(HeldKey.current().orElseThrow().key())).build()).join();
            }
            transaction.put(order(message.body() + "-attempt-" + attempt, "PLACED"));
        })) {
            // when it runs
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);

            // then the first attempt wrote nothing and named the table; the retry acquired the key anew and committed
            assertThat(failures).singleElement().satisfies(failure -> {
                assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
                assertThat(failure.error()).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("has no record in " + idempotencyTable);
            });
            assertThat(ordersItem("order-15-attempt-1")).isEmpty();
            assertThat(ordersItem("order-15-attempt-2")).isNotEmpty();
        }
    }

    @Test
    void aLeaseThatRanOutWithNobodyTakingTheKeyOverStillCommits() {
        // given a handler whose lease has expired, by the record's clock, when it returns
        sqs.sendAll(queueUrl, List.of("order-6"));
        AtomicReference<HeldKey> held = new AtomicReference<>();
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            held.set(HeldKey.current().orElseThrow());
            dynamo.client().updateItem(UpdateItemRequest.builder().tableName(idempotencyTable).key(id(held.get().key()))
                    .updateExpression("SET expiresAt = :past")
                    .expressionAttributeValues(Map.of(":past",
                            AttributeValue.fromN(Long.toString(System.currentTimeMillis() - 1_000)))).build()).join();
            transaction.put(order(message.body(), "PLACED"));
        })) {
            // when it runs
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);

            // then the token decided: the items and the record committed
            assertThat(failures).isEmpty();
            assertThat(ordersItem("order-6")).isNotEmpty();
            assertThat(record(held.get())).containsEntry("status", AttributeValue.fromS("COMPLETED"));
        }
    }

    @Test
    void ninetyNineItemsCommitWithTheRecord() {
        sqs.sendAll(queueUrl, List.of("order-7"));
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            for (int i = 0; i < DynamoDbTransaction.MAX_ITEMS; i++) {
                transaction.put(order(message.body() + "-line-" + i, "PLACED"));
            }
        })) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);

            assertThat(DynamoDbTransaction.MAX_ITEMS).isEqualTo(99);
            assertThat(failures).isEmpty();
            assertThat(ordersCount()).isEqualTo(99);
        }
    }

    @Test
    void theHundredthItemFailsTheMessagePermanentlyWithTheLimitAsItsReason() {
        FailureRecord failure = deadLetteredAfterOneAttempt((message, transaction) -> {
            for (int i = 0; i < 100; i++) {
                transaction.put(order(message.body() + "-line-" + i, "PLACED"));
            }
        });

        assertThat(storeCalls.transactions).hasValue(0);
        assertThat(failure.errorClass()).isEqualTo(PermanentFailureException.class.getName());
        assertThat(failure.errorMessage()).contains("at most 99 items").contains("TransactWriteItems takes 100");
    }


    @Test
    void tenItemsOf390KbCommitInOneTransaction() {
        sqs.sendAll(queueUrl, List.of("order-9"));
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            for (int i = 0; i < 10; i++) {
                transaction.put(large(message.body() + "-" + i));
            }
        })) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().deleted() == 1);

            assertThat(failures).isEmpty();
            assertThat(ordersCount()).isEqualTo(10);
        }
    }

    @Test
    void aTransactionOverFourMegabytesFailsTheMessagePermanentlyNamingTheLimit() {
        // eleven items of 390 KB: 4.29 MB, over DynamoDB's 4 MB (4,194,304 bytes)
        FailureRecord failure = deadLetteredAfterOneAttempt((message, transaction) -> {
            for (int i = 0; i < 11; i++) {
                transaction.put(large(message.body() + "-" + i));
            }
        });

        assertThat(failure.errorClass()).isEqualTo(PermanentFailureException.class.getName());
        assertThat(failure.errorMessage()).contains("Transaction payload size cannot exceed 4MB")
                .contains("at most 4 MB");
    }


    @Test
    void twoWritesOfOneItemFailTheMessagePermanently() {
        FailureRecord failure = deadLetteredAfterOneAttempt((message, transaction) -> transaction
                .put(order(message.body(), "PLACED"))
                .put(order(message.body(), "PAID")));

        assertThat(failure.errorClass()).isEqualTo(PermanentFailureException.class.getName());
        assertThat(failure.errorMessage()).contains("multiple operations on one item")
                .contains("one operation per item");
    }


    @Test
    void aConflictOnTheRecordIsATransientFailureAndTheRetryCommits() {
        // given DynamoDB cancels the first transaction: another write of the record was in flight
        cancelNext.reasons.set(Map.of(RECORD, "TransactionConflict"));
        sqs.sendAll(queueUrl, List.of("order-12"));
        AtomicInteger runs = new AtomicInteger();
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            runs.incrementAndGet();
            transaction.put(order(message.body(), "PLACED"));
        })) {
            // when it runs
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);

            // then the cancellation was retried, and the retry committed
            assertThat(failures).singleElement().satisfies(failure -> {
                assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
                assertThat(failure.error()).isExactlyInstanceOf(TransientFailureException.class)
                        .hasMessageContaining("the idempotency record failed with TransactionConflict")
                        .hasMessageContaining("nothing was written");
            });
            assertThat(runs).hasValue(2);
            assertThat(storeCalls.transactions).hasValue(2);
            assertThat(ordersItem("order-12")).isNotEmpty();
        }
    }

    @Test
    void aCommitWhoseAnswerWasLostIsAnsweredAsCommittedWhenTheSdkRetriesIt() {
        // given the answer to the first transaction is lost after DynamoDB committed it
        loseNextAnswer.armed.set(true);
        sqs.sendAll(queueUrl, List.of("order-14"));
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<HeldKey> held = new AtomicReference<>();
        try (SqsConsumer consumer = consumer((message, transaction) -> {
            runs.incrementAndGet();
            held.set(HeldKey.current().orElseThrow());
            transaction.put(order(message.body(), "PLACED"));
        })) {
            // when it runs
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 1);

            // then the SDK sent the transaction again, with the same request token, and DynamoDB answered it as the
            // commit it had made, not as a cancellation on the record it had completed
            assertThat(loseNextAnswer.lost).hasValue(1);
            assertThat(loseNextAnswer.requestTokens).hasSize(2).containsOnly(loseNextAnswer.requestTokens.get(0));
            assertThat(failures).isEmpty();
            assertThat(runs).hasValue(1);
            assertThat(storeCalls.transactions).hasValue(1);
            assertThat(record(held.get())).containsEntry("status", AttributeValue.fromS("COMPLETED"));
            assertThat(ordersItem("order-14")).isNotEmpty();
        }
    }

    @Test
    void anotherCancellationOfTheHandlersItemIsPermanent() {
        // DynamoDB cancels the transaction for a reason no retry changes
        cancelNext.reasons.set(Map.of(0, "ItemCollectionSizeLimitExceeded"));

        FailureRecord failure = deadLetteredAfterOneAttempt((message, transaction) -> transaction
                .put(order(message.body(), "PLACED")));

        assertThat(failure.errorClass()).isEqualTo(PermanentFailureException.class.getName());
        assertThat(failure.errorMessage()).contains("the handler's item 0 failed with ItemCollectionSizeLimitExceeded");
    }

    /**
     * Sends one message, runs {@code handler} on it until it is dead-lettered, and checks that this took one
     * attempt and wrote nothing.
     *
     * @return the failure record of its copy on the dead-letter queue
     */
    private FailureRecord deadLetteredAfterOneAttempt(DynamoDbTransactionalHandler handler) {
        sqs.sendAll(queueUrl, List.of("order-" + Tables.newKey().substring(0, 8)));
        try (SqsConsumer consumer = consumer(handler)) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().deadLettered() == 1);
        }
        assertThat(failures).singleElement().satisfies(failure ->
                assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT));
        assertThat(ordersCount()).isZero();
        FailureRecord failure = deadLettered();
        assertThat(failure.attempts()).isEqualTo(1);
        assertThat(failure.kind()).isEqualTo(FailureKind.PERMANENT);
        return failure;
    }

    private SqsConsumer consumer(DynamoDbTransactionalHandler handler) {
        return consumer(handler, ErrorClassifier.defaults());
    }

    private SqsConsumer consumer(DynamoDbTransactionalHandler handler, ErrorClassifier classifier) {
        return SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .idempotency(Idempotency.builder().store(store).key(message -> message.body()).ttl(TTL).build())
                .errorClassifier(classifier)
                .retry(r -> r.onSameQueue(5, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(deadLetterQueue))
                .listener(new ConsumerListener() {
                    @Override
                    public void onFailed(ConsumerEvent.MessageFailed event) {
                        failures.add(event);
                    }
                })
                .handler(store.transactional(handler))
                .build();
    }

    private Put order(String id, String state) {
        return Put.builder().tableName(orders)
                .item(Map.of("id", AttributeValue.fromS(id), "state", AttributeValue.fromS(state))).build();
    }

    private Put large(String id) {
        return Put.builder().tableName(orders)
                .item(Map.of("id", AttributeValue.fromS(id), "data", AttributeValue.fromS("x".repeat(LARGE_VALUE_BYTES))))
                .build();
    }

    private static Map<String, AttributeValue> id(String value) {
        return Map.of("id", AttributeValue.fromS(value));
    }

    private Map<String, AttributeValue> ordersItem(String id) {
        return Tables.item(orders, "id", id);
    }

    private Map<String, AttributeValue> record(HeldKey held) {
        return Tables.item(idempotencyTable, "id", held.key());
    }

    /** @return how many items the orders table holds: the scan's pages summed (a page reads at most 1 MB) */
    private int ordersCount() {
        int count = 0;
        Map<String, AttributeValue> start = null;
        do {
            ScanResponse page = dynamo.client().scan(ScanRequest.builder().tableName(orders).select(Select.COUNT)
                    .consistentRead(true).exclusiveStartKey(start).build()).join();
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    private FailureRecord deadLettered() {
        await().atMost(Duration.ofSeconds(10)).until(() -> sqs.counts(deadLetterQueue).total() == 1);
        return FailureRecord.of(sqs.takeAll(deadLetterQueue).get(0).messageAttributes()).orElseThrow();
    }

    /** In {@link CancelNextTransaction#reasons}: the record's index, whatever the number of the handler's items. */
    private static final int RECORD = -1;

    /**
     * Cancels the next transaction before it is sent, as DynamoDB would, with the reasons armed: item index (or
     * {@link #RECORD}) to code, {@code None} for the others.
     */
    private static final class CancelNextTransaction implements ExecutionInterceptor {
        final AtomicReference<Map<Integer, String>> reasons = new AtomicReference<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (!(context.request() instanceof TransactWriteItemsRequest request)) {
                return;
            }
            Map<Integer, String> armed = reasons.getAndSet(null);
            if (armed == null) {
                return;
            }
            int items = request.transactItems().size();
            List<CancellationReason> answer = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                String code = armed.getOrDefault(i == items - 1 ? RECORD : i, "None");
                answer.add(CancellationReason.builder().code(code)
                        .message("None".equals(code) ? null : "injected " + code).build());
            }
            throw TransactionCanceledException.builder().statusCode(400)
                    .message("Transaction cancelled, please refer cancellation reasons for specific reasons")
                    .cancellationReasons(answer).build();
        }
    }

    /** Loses the answer of the next transaction, once it was committed: the SDK sees an I/O error and retries. */
    private static final class LoseNextCommitAnswer implements ExecutionInterceptor {
        final AtomicBoolean armed = new AtomicBoolean();
        final List<String> requestTokens = new CopyOnWriteArrayList<>();
        final AtomicInteger lost = new AtomicInteger();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof TransactWriteItemsRequest request) {
                requestTokens.add(request.clientRequestToken());
            }
        }

        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context,
                                                  ExecutionAttributes attributes) {
            if (context.request() instanceof TransactWriteItemsRequest && context.httpResponse().isSuccessful()
                    && armed.compareAndSet(true, false)) {
                lost.incrementAndGet();
                throw new UncheckedIOException(new IOException("connection reset after the commit"));
            }
            return context.httpResponse();
        }
    }

    /** Counts the store's requests by kind: transactions and completions sent, releases that succeeded. */
    private static final class StoreCalls implements ExecutionInterceptor {
        final AtomicInteger transactions = new AtomicInteger();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof TransactWriteItemsRequest) {
                transactions.incrementAndGet();
            } else if (request instanceof UpdateItemRequest update
                    && update.expressionAttributeValues().containsKey(":completed")) {
                completions.incrementAndGet();
            }
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof DeleteItemRequest) {
                releases.incrementAndGet();
            }
        }
    }
}
