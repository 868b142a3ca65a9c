package io.github.sqsreliable.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.RetryLaterException;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The classify stage's decisions, driven directly: a fixed wall clock for the failure record, a fake nano clock
 * for SQS's 12-hour limit, and messages built as the poller builds them (receive count in the system attributes,
 * the failure record in the message attributes).
 */
class FailureRouterTest {

    private static final String PREFIX = "https://sqs.us-east-1.amazonaws.com/123456789012/";
    private static final String MAIN = PREFIX + "orders";
    private static final String RETRY = PREFIX + "orders-retry";
    private static final String RETRY_2 = PREFIX + "orders-retry-2";
    private static final String DLQ = PREFIX + "orders-dlq";
    private static final String MESSAGE_ID = "m-1";
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant EARLIER = Instant.parse("2024-05-01T09:00:00Z");
    private static final Backoff EXPONENTIAL = Backoff.exponential(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(15),
            0.0);
    private static final Backoff ONE_SECOND = Backoff.fixed(Duration.ofSeconds(1));

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

    private FailureRouter router(RetryPolicy policy, String queueUrl) {
        return router(policy, ErrorClassifier.defaults(), queueUrl, false, false);
    }

    private FailureRouter router(RetryPolicy policy, ErrorClassifier classifier, String queueUrl, boolean fifo,
                                 boolean redrivePolicy) {
        return new FailureRouter(policy, classifier, queueUrl, fifo, redrivePolicy, clock, nanos::get);
    }

    private InFlightMessage message(String queueUrl, int receiveCount) {
        return message(queueUrl, receiveCount, Map.of(), false);
    }

    private InFlightMessage message(String queueUrl, int receiveCount, FailureRecord record) {
        return message(queueUrl, receiveCount, Map.of(FailureRecord.ATTRIBUTE_NAME, record.toAttribute()), false);
    }

    private InFlightMessage message(String queueUrl, int receiveCount, Map<String, MessageAttributeValue> attributes,
                                    boolean fifo) {
        return message(queueUrl, receiveCount, attributes, fifo, Map.of());
    }

    private InFlightMessage message(String queueUrl, int receiveCount, Map<String, MessageAttributeValue> attributes,
                                    boolean fifo, Map<String, String> moreSystemAttributes) {
        Map<String, String> system = new HashMap<>(moreSystemAttributes);
        system.put("ApproximateReceiveCount", Integer.toString(receiveCount));
        if (fifo) {
            system.put("MessageGroupId", "g1");
        }
        Message sdk = Message.builder()
                .messageId(MESSAGE_ID)
                .receiptHandle("receipt-handle")
                .body("{\"order\":1}")
                .attributesWithStrings(system)
                .messageAttributes(attributes)
                .build();
        SqsMessage view = SqsMessage.builder()
                .queueUrl(queueUrl)
                .messageId(sdk.messageId())
                .body(sdk.body())
                .attributes(sdk.attributesAsStrings())
                .messageAttributes(sdk.messageAttributes())
                .build();
        return new InFlightMessage(sdk, view, fifo, nanos.get(), Duration.ofSeconds(30).toNanos());
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static Map<String, MessageAttributeValue> attributes(int count) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        for (int i = 0; i < count; i++) {
            attributes.put("attr" + i, text("v" + i));
        }
        return attributes;
    }

    /** A record as the main queue's consumer attaches it when it moves a message to tier 1. */
    private static FailureRecord movedToTier1(int attempts) {
        return new FailureRecord(attempts, 1, MAIN, "original-id", EARLIER, EARLIER.plusSeconds(10),
                "java.lang.IllegalStateException", "earlier failure", FailureKind.TRANSIENT, null, null, null);
    }

    private static RetryPolicy threeTiers() {
        return RetryPolicy.builder()
                .onSameQueue(3, EXPONENTIAL)
                .thenQueue(RETRY, 2, Backoff.exponential(Duration.ofSeconds(10), 3.0, Duration.ofMinutes(15), 0.0))
                .thenDeadLetter(DLQ)
                .build();
    }

    // ---------------------------------------------------------------------------------------------------
    // Retrying on the same queue
    // ---------------------------------------------------------------------------------------------------

    @Test
    void aTransientFailureWithAttemptsLeftIsRetriedAfterTheTiersBackoffForThatAttempt() {
        FailureRouter router = router(RetryPolicy.builder().onSameQueue(5, EXPONENTIAL).build(), MAIN);
        IllegalStateException error = new IllegalStateException("downstream is down");

        assertThat(router.afterFailure(message(MAIN, 1), error)).isEqualTo(
                new Outcome.RetryAfter(Duration.ofSeconds(1), 1, error));
        assertThat(router.afterFailure(message(MAIN, 3), error)).isEqualTo(
                new Outcome.RetryAfter(Duration.ofSeconds(4), 3, error));
        assertThat(router.afterFailure(message(MAIN, 4), error)).isEqualTo(
                new Outcome.RetryAfter(Duration.ofSeconds(8), 4, error));
    }

    @Test
    void aRetryLaterExceptionsDelayWinsOverTheBackoff() {
        FailureRouter router = router(RetryPolicy.builder().onSameQueue(5, EXPONENTIAL).build(), MAIN);
        RuntimeException error = new RuntimeException("wrapped",
                new RetryLaterException(Duration.ofSeconds(42), "partner said Retry-After: 42"));

        Outcome outcome = router.afterFailure(message(MAIN, 1), error);

        assertThat(outcome).isEqualTo(new Outcome.RetryAfter(Duration.ofSeconds(42), 1, error));
        assertThat(outcome.letsGroupContinue()).isFalse();
    }

    @Test
    void aMessageWithoutReceiveCountCountsAsItsFirstAttempt() {
        FailureRouter router = router(RetryPolicy.builder().onSameQueue(5, EXPONENTIAL).build(), MAIN);
        Message sdk = Message.builder().messageId(MESSAGE_ID).receiptHandle("rh").body("x").build();
        SqsMessage view = SqsMessage.builder().queueUrl(MAIN).messageId(MESSAGE_ID).body("x").build();
        IllegalStateException error = new IllegalStateException("x");

        assertThat(router.afterFailure(new InFlightMessage(sdk, view, false, nanos.get(), 30_000_000_000L), error))
                .isEqualTo(new Outcome.RetryAfter(Duration.ofSeconds(1), 1, error));
    }

    // ---------------------------------------------------------------------------------------------------
    // Moving to a retry queue
    // ---------------------------------------------------------------------------------------------------

    @Test
    void outOfSameQueueAttemptsMovesToTheNextTiersQueueWithTheRecordAndItsFirstDelay() {
        FailureRouter router = router(threeTiers(), MAIN);
        IllegalStateException error = new IllegalStateException("still down");

        Outcome outcome = router.afterFailure(message(MAIN, 3), error);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.queueUrl()).isEqualTo(RETRY);
            assertThat(move.deadLetter()).isFalse();
            assertThat(move.delay()).isEqualTo(Duration.ofSeconds(10));
            assertThat(move.cause()).isSameAs(error);
            FailureRecord record = move.record();
            assertThat(record.attempts()).isEqualTo(3);
            assertThat(record.tier()).isEqualTo(1);
            assertThat(record.originQueueUrl()).isEqualTo(MAIN);
            assertThat(record.originalMessageId()).isEqualTo(MESSAGE_ID);
            assertThat(record.lastFailureAt()).isEqualTo(NOW);
            assertThat(record.firstFailureAt()).isBeforeOrEqualTo(NOW);
            assertThat(record.errorClass()).isEqualTo("java.lang.IllegalStateException");
            assertThat(record.errorMessage()).isEqualTo("still down");
            assertThat(record.kind()).isEqualTo(FailureKind.TRANSIENT);
            assertThat(record.notBefore()).isNull();
            assertThat(record.deadLetterReason()).isNull();
            assertThat(record.deadLetteredAt()).isNull();
        });
        assertThat(outcome.letsGroupContinue()).isTrue();
    }

    @Test
    void theRecordsFirstFailureIsTheFirstAttemptsNotTheLatest() {
        // given a message received for the first time 10 s ago, failing now on its 3rd receive (no record yet:
        // same-queue retries attach none)
        Instant firstReceive = NOW.minusSeconds(10);
        InFlightMessage message = message(MAIN, 3,
                Map.of(), false, Map.of("ApproximateFirstReceiveTimestamp",
                        Long.toString(firstReceive.toEpochMilli())));

        Outcome outcome = router(threeTiers(), MAIN).afterFailure(message, new IllegalStateException("x"));

        // then the record says the failures began with the first attempt, not with this one
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.record().lastFailureAt()).isEqualTo(NOW);
            assertThat(move.record().firstFailureAt()).isBefore(NOW).isAfterOrEqualTo(firstReceive);
        });
    }

    @Test
    void aRetryLaterDelayAlsoDecidesTheMovesDelay() {
        FailureRouter router = router(threeTiers(), MAIN);
        RetryLaterException error = new RetryLaterException(Duration.ofSeconds(90), "later");

        Outcome outcome = router.afterFailure(message(MAIN, 3), error);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class,
                move -> assertThat(move.delay()).isEqualTo(Duration.ofSeconds(90)));
    }

    @Test
    void aDelayOverFifteenMinutesIsSentAsFifteenMinutesWithNotBefore() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(1, ONE_SECOND)
                .thenQueue(RETRY, 2, Backoff.fixed(Duration.ofHours(1))).build();
        FailureRouter router = router(policy, MAIN);

        Outcome outcome = router.afterFailure(message(MAIN, 1), new IllegalStateException("x"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.queueUrl()).isEqualTo(RETRY);
            assertThat(move.delay()).isEqualTo(Duration.ofMinutes(15));
            assertThat(move.record().notBefore()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        });
    }

    @Test
    void aDelayOfExactlyFifteenMinutesNeedsNoNotBefore() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(1, ONE_SECOND)
                .thenQueue(RETRY, 2, Backoff.fixed(Duration.ofMinutes(15))).build();

        Outcome outcome = router(policy, MAIN).afterFailure(message(MAIN, 1), new IllegalStateException("x"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.delay()).isEqualTo(Duration.ofMinutes(15));
            assertThat(move.record().notBefore()).isNull();
        });
    }

    @Test
    void aPolicyStartingWithARetryQueueStillMakesTheFirstAttemptOnTheConsumersQueue() {
        RetryPolicy policy = RetryPolicy.builder().thenQueue(RETRY, 3, Backoff.fixed(Duration.ofSeconds(20))).build();

        Outcome outcome = router(policy, MAIN).afterFailure(message(MAIN, 1), new IllegalStateException("x"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.queueUrl()).isEqualTo(RETRY);
            assertThat(move.delay()).isEqualTo(Duration.ofSeconds(20));
            assertThat(move.record().attempts()).isEqualTo(1);
            assertThat(move.record().tier()).isEqualTo(1);
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // A message that waits out the rest of a long delay
    // ---------------------------------------------------------------------------------------------------

    @Test
    void beforeHandlingHoldsBackAMessageWhoseNotBeforeIsInTheFuture() {
        FailureRecord record = movedToTier1(3).withNotBefore(NOW.plus(Duration.ofMinutes(45)));
        FailureRouter router = router(threeTiers(), RETRY);

        assertThat(router.beforeHandling(message(RETRY, 1, record)))
                .contains(new Outcome.RetryAfter(Duration.ofMinutes(45), 3, null));
    }

    @Test
    void beforeHandlingLetsTheHandlerRunOnceNotBeforeHasPassed() {
        FailureRouter router = router(threeTiers(), RETRY);

        assertThat(router.beforeHandling(message(RETRY, 1, movedToTier1(3).withNotBefore(NOW.minusSeconds(5)))))
                .isEmpty();
        // less than a second to go is not worth a round trip
        assertThat(router.beforeHandling(message(RETRY, 1, movedToTier1(3).withNotBefore(NOW.plusMillis(500)))))
                .isEmpty();
        assertThat(router.beforeHandling(message(RETRY, 1, movedToTier1(3)))).isEmpty();
        assertThat(router.beforeHandling(message(RETRY, 1))).isEmpty();
    }

    @Test
    void beforeHandlingIgnoresAMalformedRecord() {
        InFlightMessage message = message(RETRY, 1, Map.of(FailureRecord.ATTRIBUTE_NAME, text("attempts=oops")),
                false);

        assertThat(router(threeTiers(), RETRY).beforeHandling(message)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------
    // On a retry queue
    // ---------------------------------------------------------------------------------------------------

    @Test
    void onARetryQueueAttemptsAddTheRecordsPriorAttempts() {
        // the retry tier's backoff counts the delay before its first attempt: after its 1st failure, delayAfter(2)
        FailureRouter router = router(threeTiers(), RETRY);
        IllegalStateException error = new IllegalStateException("again");

        Outcome outcome = router.afterFailure(message(RETRY, 1, movedToTier1(3)), error);

        assertThat(outcome).isEqualTo(new Outcome.RetryAfter(Duration.ofSeconds(30), 4, error));
    }

    @Test
    void exhaustingTheLastRetryTierDeadLettersWithTheWholeHistory() {
        FailureRouter router = router(threeTiers(), RETRY);
        IllegalStateException error = new IllegalStateException("for the 5th time");

        Outcome outcome = router.afterFailure(message(RETRY, 2, movedToTier1(3)), error);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.queueUrl()).isEqualTo(DLQ);
            assertThat(move.deadLetter()).isTrue();
            assertThat(move.delay()).isZero();
            assertThat(move.record()).isEqualTo(new FailureRecord(5, 1, MAIN, "original-id", EARLIER, NOW,
                    "java.lang.IllegalStateException", "for the 5th time", FailureKind.TRANSIENT, null,
                    DeadLetterReason.ATTEMPTS_EXHAUSTED, NOW));
        });
    }

    @Test
    void exhaustingATierMovesToTheFollowingRetryQueueKeepingTheOrigin() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(RETRY, 2, ONE_SECOND)
                .thenQueue(RETRY_2, 2, Backoff.fixed(Duration.ofMinutes(5))).thenDeadLetter(DLQ).build();

        Outcome outcome = router(policy, RETRY).afterFailure(message(RETRY, 2, movedToTier1(3)),
                new IllegalStateException("x"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.queueUrl()).isEqualTo(RETRY_2);
            assertThat(move.deadLetter()).isFalse();
            assertThat(move.delay()).isEqualTo(Duration.ofMinutes(5));
            assertThat(move.record().attempts()).isEqualTo(5);
            assertThat(move.record().tier()).isEqualTo(2);
            assertThat(move.record().originQueueUrl()).isEqualTo(MAIN);
            assertThat(move.record().originalMessageId()).isEqualTo("original-id");
            assertThat(move.record().firstFailureAt()).isEqualTo(EARLIER);
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // Permanent failures and the dead-letter queue
    // ---------------------------------------------------------------------------------------------------

    @Test
    void aPermanentFailureGoesToTheDeadLetterQueueAtOnce() {
        PermanentFailureException error = new PermanentFailureException("malformed JSON");

        Outcome outcome = router(threeTiers(), MAIN).afterFailure(message(MAIN, 1), error);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.queueUrl()).isEqualTo(DLQ);
            assertThat(move.deadLetter()).isTrue();
            assertThat(move.cause()).isSameAs(error);
            assertThat(move.record()).isEqualTo(new FailureRecord(1, 0, MAIN, MESSAGE_ID, NOW, NOW,
                    PermanentFailureException.class.getName(), "malformed JSON", FailureKind.PERMANENT, null,
                    DeadLetterReason.PERMANENT_FAILURE, NOW));
        });
    }

    @Test
    void aPermanentFailureWithoutADeadLetterQueueButWithARedrivePolicyIsReleased() {
        PermanentFailureException error = new PermanentFailureException("malformed JSON");
        FailureRouter router = router(RetryPolicy.defaults(), ErrorClassifier.defaults(), MAIN, false, true);

        Outcome outcome = router.afterFailure(message(MAIN, 1), error);

        assertThat(outcome).isEqualTo(new Outcome.Release(error));
        assertThat(outcome.letsGroupContinue()).isFalse();
    }

    @Test
    void aPermanentFailureWithNeitherIsRetriedWithTheBackoff() {
        PermanentFailureException error = new PermanentFailureException("malformed JSON");
        FailureRouter router = router(RetryPolicy.builder().onSameQueue(5, EXPONENTIAL).build(), MAIN);

        assertThat(router.afterFailure(message(MAIN, 2), error))
                .isEqualTo(new Outcome.RetryAfter(Duration.ofSeconds(2), 2, error));
    }

    @Test
    void outOfAttemptsWithoutADeadLetterQueueKeepsRetryingWithTheBackoff() {
        IllegalStateException error = new IllegalStateException("x");
        FailureRouter router = router(RetryPolicy.builder().onSameQueue(3, EXPONENTIAL).build(), ErrorClassifier.defaults(),
                MAIN, false, true);

        assertThat(router.afterFailure(message(MAIN, 3), error))
                .isEqualTo(new Outcome.RetryAfter(Duration.ofSeconds(4), 3, error));
        assertThat(router.afterFailure(message(MAIN, 5), error))
                .isEqualTo(new Outcome.RetryAfter(Duration.ofSeconds(16), 5, error));
    }

    @Test
    void outOfAttemptsWithADeadLetterQueueAndNoRetryQueueIsDeadLetteredAsExhausted() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, EXPONENTIAL).thenDeadLetter(DLQ).build();

        Outcome outcome = router(policy, MAIN).afterFailure(message(MAIN, 3), new IllegalStateException("x"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.queueUrl()).isEqualTo(DLQ);
            assertThat(move.record().deadLetterReason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
            assertThat(move.record().attempts()).isEqualTo(3);
            assertThat(move.record().tier()).isZero();
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // FIFO
    // ---------------------------------------------------------------------------------------------------

    @Test
    void onAFifoQueueNoFailureIsEverMovedToARetryQueue() {
        // given a policy with a retry queue (the builder rejects it for FIFO, the router must not rely on that)
        RetryPolicy withDlq = threeTiers();
        RetryPolicy withoutDlq = RetryPolicy.builder().onSameQueue(3, EXPONENTIAL).thenQueue(RETRY, 2, ONE_SECOND)
                .build();
        IllegalStateException error = new IllegalStateException("x");

        Outcome exhaustedWithDlq = router(withDlq, ErrorClassifier.defaults(), MAIN, true, false)
                .afterFailure(message(MAIN, 3, Map.of(), true), error);
        Outcome exhaustedWithoutDlq = router(withoutDlq, ErrorClassifier.defaults(), MAIN, true, false)
                .afterFailure(message(MAIN, 3, Map.of(), true), error);

        assertThat(exhaustedWithDlq).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.deadLetter()).isTrue();
            assertThat(move.queueUrl()).isEqualTo(DLQ);
        });
        assertThat(exhaustedWithoutDlq).isEqualTo(new Outcome.RetryAfter(Duration.ofSeconds(4), 3, error));
    }

    @Test
    void onAFifoQueueAPermanentFailureIsDeadLetteredAndLetsTheGroupContinue() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, ONE_SECOND)
                .thenDeadLetter(PREFIX + "orders-dlq.fifo").build();

        Outcome outcome = router(policy, ErrorClassifier.defaults(), PREFIX + "orders.fifo", true, false)
                .afterFailure(message(PREFIX + "orders.fifo", 1, Map.of(), true), new PermanentFailureException("x"));

        assertThat(outcome).isInstanceOf(Outcome.Move.class);
        assertThat(outcome.letsGroupContinue()).isTrue();
    }

    // ---------------------------------------------------------------------------------------------------
    // SQS's limits
    // ---------------------------------------------------------------------------------------------------

    @Test
    void retryDelaysAreCappedSoThatVisibilityNeverExceedsTwelveHoursFromTheLeaseStart() {
        FailureRouter router = router(RetryPolicy.builder().onSameQueue(5, EXPONENTIAL).build(), MAIN);
        InFlightMessage message = message(MAIN, 1);
        RetryLaterException error = new RetryLaterException(Duration.ofHours(11), "tomorrow");

        // when the message has been held for 2 hours
        nanos.addAndGet(Duration.ofHours(2).toNanos());
        Outcome afterTwoHours = router.afterFailure(message, error);
        // and for 13 hours
        nanos.addAndGet(Duration.ofHours(11).toNanos());
        Outcome afterThirteenHours = router.afterFailure(message, error);

        // then the delay ends a second before 12 hours from the lease start, and never goes negative
        assertThat(afterTwoHours).isEqualTo(new Outcome.RetryAfter(
                Duration.ofHours(10).minusSeconds(1), 1, error));
        assertThat(afterThirteenHours).isEqualTo(new Outcome.RetryAfter(Duration.ZERO, 1, error));
    }

    @Test
    void aLongNotBeforeWaitIsCappedToTheLeaseToo() {
        FailureRecord record = movedToTier1(3).withNotBefore(NOW.plus(Duration.ofHours(20)));

        assertThat(router(threeTiers(), RETRY).beforeHandling(message(RETRY, 1, record)))
                .contains(new Outcome.RetryAfter(Duration.ofHours(12).minusSeconds(1), 3, null));
    }

    @Test
    void aMessageWithTenOtherAttributesIsDeadLetteredWithoutARecord() {
        InFlightMessage message = message(MAIN, 1, attributes(10), false);

        Outcome outcome = router(threeTiers(), MAIN).afterFailure(message, new PermanentFailureException("x"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.queueUrl()).isEqualTo(DLQ);
            assertThat(move.deadLetter()).isTrue();
            assertThat(move.record()).isNull();
        });
    }

    @Test
    void aMessageWithTenOtherAttributesIsRetriedInPlaceInsteadOfMovedToARetryQueue() {
        InFlightMessage message = message(MAIN, 3, attributes(10), false);
        IllegalStateException error = new IllegalStateException("x");

        Outcome outcome = router(threeTiers(), MAIN).afterFailure(message, error);

        // the retry queue's attempts are spent in place, after the retry queue's own first delay
        assertThat(outcome).isEqualTo(new Outcome.RetryAfter(Duration.ofSeconds(10), 3, error));
    }

    @Test
    void aMessageWithTenOtherAttributesIsStillDeadLetteredOnceThePolicysAttemptsAreSpent() {
        // given a policy of 3 + 2 attempts and a dead-letter queue, and a message that cannot go to the retry queue
        InFlightMessage message = message(MAIN, 10, attributes(10), false);

        // when it fails on its 10th receive, long after the policy's 5 attempts
        Outcome outcome = router(threeTiers(), MAIN).afterFailure(message, new IllegalStateException("x"));

        // then it is dead-lettered (without a record), not retried in place for ever
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.queueUrl()).isEqualTo(DLQ);
            assertThat(move.deadLetter()).isTrue();
            assertThat(move.record()).isNull();
        });
    }

    @Test
    void nineOtherAttributesPlusAnEarlierRecordLeaveRoomForTheNewRecord() {
        Map<String, MessageAttributeValue> attributes = attributes(9);
        attributes.put(FailureRecord.ATTRIBUTE_NAME, movedToTier1(3).toAttribute());
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(RETRY, 2, ONE_SECOND)
                .thenDeadLetter(DLQ).build();

        Outcome outcome = router(policy, RETRY).afterFailure(message(RETRY, 2, attributes, false),
                new IllegalStateException("x"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.deadLetter()).isTrue();
            assertThat(move.record()).isNotNull();
            assertThat(move.record().attempts()).isEqualTo(5);
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // The classifier
    // ---------------------------------------------------------------------------------------------------

    @Test
    void aClassifierThatThrowsMakesTheFailureTransient() {
        ErrorClassifier broken = (error, message) -> {
            throw new IllegalStateException("classifier bug");
        };
        PermanentFailureException error = new PermanentFailureException("would be permanent");
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, EXPONENTIAL).thenDeadLetter(DLQ).build();

        Outcome outcome = router(policy, broken, MAIN, false, false).afterFailure(message(MAIN, 1), error);

        assertThat(outcome).isEqualTo(new Outcome.RetryAfter(Duration.ofSeconds(1), 1, error));
    }

    @Test
    void aClassifierThatReturnsNullMakesTheFailureTransient() {
        ErrorClassifier undecided = (error, message) -> null;
        IllegalStateException error = new IllegalStateException("x");
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, EXPONENTIAL).thenDeadLetter(DLQ).build();

        assertThat(router(policy, undecided, MAIN, false, false).afterFailure(message(MAIN, 2), error))
                .isEqualTo(new Outcome.RetryAfter(Duration.ofSeconds(2), 2, error));
    }

    @Test
    void theClassifierSeesTheHandlersViewOfTheMessage() {
        ErrorClassifier byBody = (error, message) -> message.body().contains("order")
                ? FailureKind.PERMANENT : FailureKind.TRANSIENT;
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, EXPONENTIAL).thenDeadLetter(DLQ).build();

        Outcome outcome = router(policy, byBody, MAIN, false, false).afterFailure(message(MAIN, 1),
                new IllegalStateException("x"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class,
                move -> assertThat(move.record().deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE));
    }
}
