package io.github.sqsreliable.internal.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.sqsreliable.BatchEntryFailedException;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.sqs.SqsBatcher;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerEvent.LeaseLostReason;
import io.github.sqsreliable.observe.ConsumerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SqsException;

class VisibilityExtenderTest {

    private static final String QUEUE_URL = "http://localhost:9324/000000000000/orders";
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final Duration MARGIN = Duration.ofSeconds(10);
    /** What each extension asks for: the visibility timeout plus the margin. */
    private static final Duration EXTENSION = VISIBILITY.plus(MARGIN);
    private static final Duration ONE_HOUR = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** An arbitrary origin for the fake nano clock; every lease starts here unless a test says otherwise. */
    private static final long T0 = TimeUnit.HOURS.toNanos(100);

    private final AtomicLong clock = new AtomicLong(T0);
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final SqsAsyncClient client = mock(SqsAsyncClient.class);
    private final List<ConsumerEvent> recorded = new CopyOnWriteArrayList<>();
    private final ConsumerEvents events = new ConsumerEvents(List.of(new RecordingListener()));

    /** Receipt handles SQS refuses as ReceiptHandleIsInvalid. */
    private final Set<String> refusedHandles = ConcurrentHashMap.newKeySet();
    /** When set, every request fails as a whole with this. */
    private volatile Throwable requestFailure;
    /** When set, answers are held until the test completes them. */
    private volatile boolean holdAnswers;
    private final List<HeldAnswer> held = new CopyOnWriteArrayList<>();

    private SqsBatcher visibilityChanges;

    @BeforeEach
    void setUp() {
        when(client.changeMessageVisibilityBatch(any(ChangeMessageVisibilityBatchRequest.class)))
                .thenAnswer(invocation -> respond(invocation.getArgument(0)));
        visibilityChanges = SqsBatcher.visibilityChanges(client, QUEUE_URL, scheduler, Duration.ZERO);
    }

    @AfterEach
    void stopScheduler() throws InterruptedException {
        scheduler.shutdownNow();
        assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    // ---------------------------------------------------------------------------------------------------
    // When to extend
    // ---------------------------------------------------------------------------------------------------

    @Test
    void sendsNothingWhileRemainingVisibilityExceedsTheMargin() {
        // given: a message with 11 s of its 30 s visibility left, 1 s more than the margin
        VisibilityExtender extender = extender(ONE_HOUR);
        InFlightMessage message = message("m1", T0);
        extender.track(message);
        clock.set(T0 + seconds(19));

        // when: the extender ticks
        extender.tick();
        drainScheduler();

        // then: nothing is sent (a message merely due soon does not start a batch), and nothing changed
        assertThat(sentRequests()).isEmpty();
        assertThat(message.visibleUntilNanos()).isEqualTo(T0 + VISIBILITY.toNanos());
        assertThat(recorded).isEmpty();
        assertThat(extender.trackedCount()).isEqualTo(1);
    }

    @Test
    void extendsAMessageWithinTheMarginByTheVisibilityTimeoutPlusTheMargin() {
        // given: a message with 9 s of visibility left
        VisibilityExtender extender = extender(ONE_HOUR);
        InFlightMessage message = message("m1", T0);
        extender.track(message);
        long now = T0 + seconds(21);
        clock.set(now);

        // when: the extender ticks
        extender.tick();

        // then: one entry asks for the visibility timeout plus the margin, in seconds (so that the next extension
        // is one visibility timeout away), and the bound moves once confirmed
        awaitUpTo(WAIT).until(() -> message.visibleUntilNanos() == now + EXTENSION.toNanos());
        assertThat(sentEntries()).singleElement().satisfies(entry -> {
            assertThat(entry.receiptHandle()).isEqualTo("rh-m1");
            assertThat(entry.visibilityTimeout()).isEqualTo(40);
        });
        assertThat(sentRequests().get(0).queueUrl()).isEqualTo(QUEUE_URL);
        awaitUpTo(WAIT).until(() -> extendedEvents().size() == 1);
        assertThat(extendedEvents().get(0).visibilityTimeout()).isEqualTo(EXTENSION);
        assertThat(extendedEvents().get(0).message().messageId()).isEqualTo("m1");

        // when: the extender ticks again at the same instant
        extender.tick();
        drainScheduler();

        // then: the freshly extended message is not due, so nothing more is sent
        assertThat(sentRequests()).hasSize(1);
    }

    @Test
    void fillsTheLastBatchWithMessagesDueSoonButNotWithMessagesFarFromDue() {
        // given: 8 messages due (5 s left), 3 due soon (15 s left, within twice the margin), 2 far (25 s left)
        VisibilityExtender extender = extender(ONE_HOUR);
        long now = T0 + seconds(60);
        List<String> due = trackAll(extender, "due", 8, now - seconds(25));
        List<String> soon = trackAll(extender, "soon", 3, now - seconds(15));
        List<String> far = trackAll(extender, "far", 2, now - seconds(5));
        clock.set(now);

        // when: the extender ticks
        extender.tick();

        // then: every due message and two of the soon ones (filling a batch of 10) are extended; no far one is
        awaitUpTo(WAIT).until(() -> extendedEvents().size() == 10);
        drainScheduler();
        Set<String> extended = sentEntries().stream().map(ChangeMessageVisibilityBatchRequestEntry::receiptHandle)
                .collect(Collectors.toSet());
        assertThat(extended).hasSize(10).containsAll(handles(due)).doesNotContainAnyElementsOf(handles(far));
        assertThat(extended).filteredOn(handles(soon)::contains).hasSize(2);
        assertThat(extendedEvents()).hasSize(10);
    }

    @Test
    void takesNoRidersWhenTheDueMessagesFillWholeBatches() {
        // given: 10 messages due and 2 due soon
        VisibilityExtender extender = extender(ONE_HOUR);
        long now = T0 + seconds(60);
        List<String> due = trackAll(extender, "due", 10, now - seconds(25));
        List<String> soon = trackAll(extender, "soon", 2, now - seconds(15));
        clock.set(now);

        // when: the extender ticks
        extender.tick();

        // then: exactly the due messages are extended
        awaitUpTo(WAIT).until(() -> extendedEvents().size() == 10);
        drainScheduler();
        Set<String> extended = sentEntries().stream().map(ChangeMessageVisibilityBatchRequestEntry::receiptHandle)
                .collect(Collectors.toSet());
        assertThat(extended).containsExactlyInAnyOrderElementsOf(handles(due))
                .doesNotContainAnyElementsOf(handles(soon));
    }

    @Test
    void neverExtendsASettledMessageAndStopsTrackingIt() {
        // given: a tracked message that was settled, now within the margin
        VisibilityExtender extender = extender(ONE_HOUR);
        InFlightMessage message = message("m1", T0);
        extender.track(message);
        assertThat(message.settle()).isDone();
        clock.set(T0 + seconds(25));

        // when: the extender ticks
        extender.tick();
        drainScheduler();

        // then: nothing is sent, and the message is no longer tracked
        assertThat(sentRequests()).isEmpty();
        assertThat(extender.trackedCount()).isZero();
        assertThat(recorded).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------
    // Limits
    // ---------------------------------------------------------------------------------------------------

    @Test
    void capsTheExtensionToTheRemainingBudgetAndThenStopsAtMaxProcessingTime() {
        // given: a max processing time of 90 s for a 30 s visibility timeout (40 s extensions)
        VisibilityExtender extender = extender(Duration.ofSeconds(90));
        InFlightMessage message = message("m1", T0);
        extender.track(message);

        // when: the extender ticks at 21 s, with 69 s of budget left
        tickAt(extender, T0 + seconds(21));

        // then: a full extension is asked for
        assertThat(visibilityTimeoutsSent()).containsExactly(40);
        assertThat(message.visibleUntilNanos()).isEqualTo(T0 + seconds(61));

        // when: the extender ticks at 52 s, with 38 s of budget left
        tickAt(extender, T0 + seconds(52));

        // then: the extension is capped to the budget, ending exactly at the max processing time
        assertThat(visibilityTimeoutsSent()).containsExactly(40, 38);
        assertThat(message.visibleUntilNanos()).isEqualTo(T0 + seconds(90));

        // when: the extender ticks with under a second of budget left
        tickAt(extender, T0 + seconds(89) + TimeUnit.MILLISECONDS.toNanos(500));

        // then: nothing is sent (the message is already invisible until the limit) and the lease still holds
        assertThat(visibilityTimeoutsSent()).containsExactly(40, 38);
        assertThat(leaseLostEvents()).isEmpty();
        assertThat(extender.trackedCount()).isEqualTo(1);

        // when: the extender ticks after that last visibility ran out
        tickAt(extender, T0 + seconds(90) + TimeUnit.MILLISECONDS.toNanos(1));

        // then: the lease is reported lost with MAX_PROCESSING_TIME_REACHED and the message is no longer tracked
        assertThat(visibilityTimeoutsSent()).containsExactly(40, 38);
        assertThat(leaseLostEvents()).singleElement().satisfies(lost -> {
            assertThat(lost.reason()).isEqualTo(LeaseLostReason.MAX_PROCESSING_TIME_REACHED);
            assertThat(lost.cause()).isNull();
            assertThat(lost.message().messageId()).isEqualTo("m1");
        });
        assertThat(extender.trackedCount()).isZero();

        // when: the extender keeps ticking
        tickAt(extender, T0 + seconds(100));

        // then: nothing more happens
        assertThat(visibilityTimeoutsSent()).containsExactly(40, 38);
        assertThat(leaseLostEvents()).hasSize(1);
    }

    /**
     * With the default margin (half the visibility timeout) the extender ticks every second. Near the end of the
     * budget it asks for one-second extensions, and the next tick comes a second later, so the message's
     * visibility always runs out at that tick: the lease is lost because the budget is spent, not because an
     * extension failed.
     */
    @Test
    void reportsMaxProcessingTimeReachedWhenTheBudgetRunsOutBetweenOneSecondTicks() {
        // given: a 30 s visibility, the default 15 s margin, a 60 s max processing time
        Duration margin = Duration.ofSeconds(15);
        assertThat(VisibilityExtender.tickInterval(margin)).isEqualTo(Duration.ofSeconds(1));
        VisibilityExtender extender = new VisibilityExtender(visibilityChanges, events, clock::get, VISIBILITY,
                margin, Duration.ofSeconds(60));
        extender.track(message("m1", T0));

        // when: the extender ticks every second, every extension succeeding, for longer than the budget
        for (int second = 1; second <= 65; second++) {
            tickAt(extender, T0 + seconds(second) + TimeUnit.MILLISECONDS.toNanos(300));
        }

        // then: the lease is reported lost once, because the max processing time was reached, and the last
        // extension ended at the limit instead of creeping towards it one second at a time
        assertThat(leaseLostEvents()).extracting(ConsumerEvent.LeaseLost::reason)
                .containsExactly(LeaseLostReason.MAX_PROCESSING_TIME_REACHED);
        assertThat(visibilityTimeoutsSent()).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void neverHoldsAMessageBeyondTwelveHoursFromItsReceipt() {
        // given: a 12 h visibility timeout, a max processing time beyond SQS's 12 h limit, and a message
        // received 11 h 40 min of visibility ago
        VisibilityExtender extender = new VisibilityExtender(visibilityChanges, events, clock::get,
                Duration.ofHours(12), ONE_HOUR, Duration.ofHours(24));
        InFlightMessage message = message("m1", T0, Duration.ofMinutes(700));
        extender.track(message);

        // when: the extender ticks 11.5 h after receipt
        tickAt(extender, T0 + TimeUnit.MINUTES.toNanos(690));

        // then: only the 30 min left until 12 h are asked for
        assertThat(visibilityTimeoutsSent()).containsExactly(1800);
        assertThat(message.visibleUntilNanos()).isEqualTo(T0 + TimeUnit.HOURS.toNanos(12));

        // when: the extender ticks with under a second left until 12 h, and again once 12 h have passed
        tickAt(extender, T0 + TimeUnit.HOURS.toNanos(12) - TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(leaseLostEvents()).isEmpty();
        tickAt(extender, T0 + TimeUnit.HOURS.toNanos(12) + TimeUnit.MILLISECONDS.toNanos(1));

        // then: nothing more was sent, and the lease is reported lost with MAX_PROCESSING_TIME_REACHED
        assertThat(visibilityTimeoutsSent()).containsExactly(1800);
        assertThat(leaseLostEvents()).extracting(ConsumerEvent.LeaseLost::reason)
                .containsExactly(LeaseLostReason.MAX_PROCESSING_TIME_REACHED);
    }

    // ---------------------------------------------------------------------------------------------------
    // Failures
    // ---------------------------------------------------------------------------------------------------

    @Test
    void stopsExtendingWhenSqsRefusesTheReceiptHandle() {
        // given: a message whose receipt handle SQS refuses
        VisibilityExtender extender = extender(ONE_HOUR);
        InFlightMessage message = message("m1", T0);
        extender.track(message);
        refusedHandles.add("rh-m1");

        // when: the extender ticks within the margin
        clock.set(T0 + seconds(21));
        extender.tick();

        // then: the lease is reported lost for RECEIPT_HANDLE_INVALID, with SQS's refusal as cause
        awaitUpTo(WAIT).until(() -> leaseLostEvents().size() == 1);
        ConsumerEvent.LeaseLost lost = leaseLostEvents().get(0);
        assertThat(lost.reason()).isEqualTo(LeaseLostReason.RECEIPT_HANDLE_INVALID);
        assertThat(lost.cause()).isInstanceOfSatisfying(BatchEntryFailedException.class,
                failure -> assertThat(failure.errorCode()).isEqualTo("ReceiptHandleIsInvalid"));
        assertThat(message.visibleUntilNanos()).isEqualTo(T0 + VISIBILITY.toNanos());
        assertThat(extender.trackedCount()).isZero();
        assertThat(extendedEvents()).isEmpty();

        // when: later ticks come, even past the old visibility
        tickAt(extender, T0 + seconds(25));
        tickAt(extender, T0 + seconds(31));

        // then: no further extension is attempted and nothing more is reported
        assertThat(sentRequests()).hasSize(1);
        assertThat(leaseLostEvents()).hasSize(1);
    }

    @Test
    void reportsExtensionFailedWhenTheVisibilityRunsOutWithoutASuccessfulExtension() {
        // given: every request is refused (not retryable, and saying nothing about the consumer's configuration)
        requestFailure = sqsError(400, "InvalidParameterValue");
        VisibilityExtender extender = extender(ONE_HOUR);
        InFlightMessage message = message("m1", T0);
        extender.track(message);

        // when: the extender ticks twice within the margin
        tickAt(extender, T0 + seconds(21));
        tickAt(extender, T0 + seconds(25));

        // then: each tick tried once, neither moved the visibility, and the lease is still held
        assertThat(sentRequests()).hasSize(2);
        assertThat(message.visibleUntilNanos()).isEqualTo(T0 + VISIBILITY.toNanos());
        assertThat(leaseLostEvents()).isEmpty();
        assertThat(extender.trackedCount()).isEqualTo(1);

        // when: the extender ticks once the visibility has run out
        tickAt(extender, T0 + VISIBILITY.toNanos());

        // then: the lease is reported lost for EXTENSION_FAILED, no further request is sent
        assertThat(leaseLostEvents()).singleElement().satisfies(lost -> {
            assertThat(lost.reason()).isEqualTo(LeaseLostReason.EXTENSION_FAILED);
            assertThat(lost.cause()).isNull();
        });
        assertThat(sentRequests()).hasSize(2);
        assertThat(extender.trackedCount()).isZero();
        assertThat(extendedEvents()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------
    // Refusals that mean misconfiguration, and copies received while an earlier one is held
    // ---------------------------------------------------------------------------------------------------

    @Test
    void reportsAccessDeniedOnceAsAMisconfigurationAndNotAsLostLeases() {
        // given: SQS denies ChangeMessageVisibility (an IAM policy without it), and three messages are held
        requestFailure = sqsError(403, "AccessDenied");
        VisibilityExtender extender = extender(ONE_HOUR);
        extender.explainRefusals(QUEUE_URL, "What it does to messages.");
        trackAll(extender, "m", 3, T0);

        // when: two ticks within the margin try to extend all three
        tickAt(extender, T0 + seconds(21));
        tickAt(extender, T0 + seconds(25));

        // then: one report, naming the permission and the queue; every refused extension is counted
        assertThat(refusedEvents()).singleElement().satisfies(refused -> {
            assertThat(refused.errorCode()).isEqualTo("AccessDenied");
            assertThat(refused.queueUrl()).isEqualTo(QUEUE_URL);
            assertThat(refused.meaning()).contains("sqs:ChangeMessageVisibility").contains(QUEUE_URL);
            assertThat(refused.cause()).isInstanceOf(BatchEntryFailedException.class);
        });
        assertThat(sentEntries()).hasSize(6);
        assertThat(events.snapshot().visibilityExtensionsRefused()).isEqualTo(6);

        // when: the visibility runs out
        tickAt(extender, T0 + VISIBILITY.toNanos());

        // then: no lease is reported lost per message; the messages are no longer extended, but still held
        assertThat(leaseLostEvents()).isEmpty();
        assertThat(events.snapshot().leasesLost()).isZero();
        assertThat(extender.trackedCount()).isZero();
        assertThat(extender.trackedMessages()).hasSize(3);
        assertThat(refusedEvents()).hasSize(1);
    }

    @Test
    void reportsANonExistentQueueAsAMisconfiguration() {
        // given: the queue was deleted under the consumer
        requestFailure = sqsError(400, "AWS.SimpleQueueService.NonExistentQueue");
        VisibilityExtender extender = extender(ONE_HOUR);
        extender.explainRefusals(QUEUE_URL, "What it does to messages.");
        extender.track(message("m1", T0));

        // when
        tickAt(extender, T0 + seconds(21));

        // then
        assertThat(refusedEvents()).singleElement().satisfies(refused -> {
            assertThat(refused.errorCode()).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
            assertThat(refused.meaning()).contains("does not exist").contains(QUEUE_URL);
        });
        assertThat(leaseLostEvents()).isEmpty();
    }

    @Test
    void reportsRefusalsAgainOnlyAfterAnExtensionWasAcceptedInBetween() {
        // given: refusals reported once
        requestFailure = sqsError(403, "AccessDenied");
        VisibilityExtender extender = extender(ONE_HOUR);
        extender.track(message("m1", T0));
        tickAt(extender, T0 + seconds(21));
        tickAt(extender, T0 + seconds(22));
        assertThat(refusedEvents()).hasSize(1);

        // when: the permission is granted, an extension succeeds, and then it is taken away again
        requestFailure = null;
        tickAt(extender, T0 + seconds(23));
        extender.track(message("m2", T0 + seconds(23)));
        requestFailure = sqsError(403, "AccessDenied");
        tickAt(extender, T0 + seconds(23) + seconds(21));

        // then: a second episode, reported once more
        assertThat(extendedEvents()).hasSize(1);
        assertThat(refusedEvents()).hasSize(2);
    }

    @Test
    void recognisesACopyReceivedWhileAnEarlierCopyIsStillHeld() {
        // given: a message whose visibility ran out (extensions refused) while its handler still runs
        requestFailure = sqsError(403, "AccessDenied");
        VisibilityExtender extender = extender(ONE_HOUR);
        InFlightMessage first = message("m1", T0);
        extender.track(first);
        tickAt(extender, T0 + seconds(21));
        tickAt(extender, T0 + VISIBILITY.toNanos());
        assertThat(redeliveredEvents()).isEmpty();

        // when: SQS delivers it again, and a third time while both copies are held
        InFlightMessage second = copy("m1", T0 + seconds(31), "rh-m1-2");
        extender.track(second);
        InFlightMessage third = copy("m1", T0 + seconds(62), "rh-m1-3");
        extender.track(third);

        // then: each later copy is reported, and counted
        assertThat(redeliveredEvents()).hasSize(2);
        assertThat(events.snapshot().redeliveredWhileHeld()).isEqualTo(2);

        // when: every copy is settled, and SQS delivers the message once more
        for (InFlightMessage copy : List.of(first, second, third)) {
            copy.settle();
            extender.untrack(copy);
        }
        extender.track(copy("m1", T0 + seconds(90), "rh-m1-4"));

        // then: that is an ordinary receive
        assertThat(redeliveredEvents()).hasSize(2);
        assertThat(extender.trackedMessages()).hasSize(1);
    }

    @Test
    void stillRecognisesCopiesOnceTheFirstCopyIsSettled() {
        // given: two copies of a message held, the first one then settled
        requestFailure = sqsError(403, "AccessDenied");
        VisibilityExtender extender = extender(ONE_HOUR);
        InFlightMessage first = message("m1", T0);
        extender.track(first);
        InFlightMessage second = copy("m1", T0 + seconds(31), "rh-m1-2");
        extender.track(second);
        first.settle();
        extender.untrack(first);

        // when: SQS delivers it once more while the second copy is held
        extender.track(copy("m1", T0 + seconds(62), "rh-m1-3"));

        // then: that is a copy too, and both unsettled copies stay held
        assertThat(redeliveredEvents()).hasSize(2);
        assertThat(extender.trackedMessages()).hasSize(2).doesNotContain(first);
    }

    @Test
    void forgetsACopyWhoseVisibilityRanOutOnceItIsSettled() {
        // given: a copy whose visibility ran out, settled without untrack (the tick notices)
        requestFailure = sqsError(403, "AccessDenied");
        VisibilityExtender extender = extender(ONE_HOUR);
        InFlightMessage first = message("m1", T0);
        extender.track(first);
        tickAt(extender, T0 + VISIBILITY.toNanos());
        first.settle();
        tickAt(extender, T0 + seconds(31));

        // when: the message is delivered again
        extender.track(copy("m1", T0 + seconds(32), "rh-m1-2"));

        // then: nothing is held twice
        assertThat(redeliveredEvents()).isEmpty();
        assertThat(extender.trackedMessages()).hasSize(1);
    }

    // ---------------------------------------------------------------------------------------------------
    // Settling against an in-flight extension
    // ---------------------------------------------------------------------------------------------------

    @Test
    void settleDuringAnInFlightExtensionCompletesOnlyAfterItsAnswer() {
        // given: an extension sent and not yet answered
        holdAnswers = true;
        VisibilityExtender extender = extender(ONE_HOUR);
        InFlightMessage message = message("m1", T0);
        extender.track(message);
        long now = T0 + seconds(21);
        clock.set(now);
        extender.tick();
        awaitUpTo(WAIT).until(() -> held.size() == 1);

        // when: the message is settled
        CompletableFuture<Void> settled = message.settle();

        // then: the settlement waits for the extension
        assertThat(settled).isNotNull();
        drainScheduler();
        assertThat(settled).isNotDone();

        // when: SQS answers the extension
        HeldAnswer answer = held.get(0);
        answer.response().complete(answer(answer.request()));

        // then: the settlement completes, and the message is never extended again
        awaitUpTo(WAIT).until(settled::isDone);
        assertThat(message.visibleUntilNanos()).isEqualTo(now + EXTENSION.toNanos());
        tickAt(extender, now + seconds(25));
        assertThat(sentRequests()).hasSize(1);
        assertThat(extender.trackedCount()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------
    // Tick interval
    // ---------------------------------------------------------------------------------------------------

    @Test
    void tickIntervalIsAQuarterOfTheMarginBetweenFiftyMillisAndOneSecond() {
        // given / when / then: a quarter of the margin ...
        assertThat(VisibilityExtender.tickInterval(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(250));
        assertThat(VisibilityExtender.tickInterval(Duration.ofMillis(2_000))).isEqualTo(Duration.ofMillis(500));
        assertThat(VisibilityExtender.tickInterval(Duration.ofMillis(200))).isEqualTo(Duration.ofMillis(50));
        assertThat(VisibilityExtender.tickInterval(Duration.ofSeconds(4))).isEqualTo(Duration.ofSeconds(1));
        // ... never under 50 ms ...
        assertThat(VisibilityExtender.tickInterval(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(50));
        assertThat(VisibilityExtender.tickInterval(Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(50));
        // ... and never over 1 s
        assertThat(VisibilityExtender.tickInterval(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(1));
        assertThat(VisibilityExtender.tickInterval(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(1));
    }

    // ---------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------

    private record HeldAnswer(ChangeMessageVisibilityBatchRequest request,
                              CompletableFuture<ChangeMessageVisibilityBatchResponse> response) {
    }

    private final class RecordingListener implements ConsumerListener {
        @Override
        public void onVisibilityExtended(ConsumerEvent.VisibilityExtended event) {
            recorded.add(event);
        }

        @Override
        public void onLeaseLost(ConsumerEvent.LeaseLost event) {
            recorded.add(event);
        }

        @Override
        public void onVisibilityExtensionRefused(ConsumerEvent.VisibilityExtensionRefused event) {
            recorded.add(event);
        }

        @Override
        public void onRedeliveredWhileHeld(ConsumerEvent.RedeliveredWhileHeld event) {
            recorded.add(event);
        }
    }

    private VisibilityExtender extender(Duration maxProcessingTime) {
        return new VisibilityExtender(visibilityChanges, events, clock::get, VISIBILITY, MARGIN, maxProcessingTime);
    }

    private CompletableFuture<ChangeMessageVisibilityBatchResponse> respond(
            ChangeMessageVisibilityBatchRequest request) {
        Throwable failure = requestFailure;
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        if (holdAnswers) {
            CompletableFuture<ChangeMessageVisibilityBatchResponse> response = new CompletableFuture<>();
            held.add(new HeldAnswer(request, response));
            return response;
        }
        return CompletableFuture.completedFuture(answer(request));
    }

    /** Confirms every entry, except those whose receipt handle is refused. */
    private ChangeMessageVisibilityBatchResponse answer(ChangeMessageVisibilityBatchRequest request) {
        List<ChangeMessageVisibilityBatchResultEntry> successful = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (ChangeMessageVisibilityBatchRequestEntry entry : request.entries()) {
            if (refusedHandles.contains(entry.receiptHandle())) {
                failed.add(BatchResultErrorEntry.builder().id(entry.id()).code("ReceiptHandleIsInvalid")
                        .senderFault(true).message("The input receipt handle is invalid.").build());
            } else {
                successful.add(ChangeMessageVisibilityBatchResultEntry.builder().id(entry.id()).build());
            }
        }
        return ChangeMessageVisibilityBatchResponse.builder().successful(successful).failed(failed).build();
    }

    /** Sets the clock, ticks, and waits until the tick's requests are sent and answered. */
    private void tickAt(VisibilityExtender extender, long nanos) {
        clock.set(nanos);
        extender.tick();
        drainScheduler();
    }

    /**
     * Waits for the batcher's chain on its single thread: the flush that sends, then the answer's handling,
     * which completes the entry and runs the extender's callback.
     */
    private void drainScheduler() {
        for (int i = 0; i < 3; i++) {
            try {
                scheduler.submit(() -> { }).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("scheduler did not drain", e);
            }
        }
    }

    private List<ChangeMessageVisibilityBatchRequest> sentRequests() {
        ArgumentCaptor<ChangeMessageVisibilityBatchRequest> captor =
                ArgumentCaptor.forClass(ChangeMessageVisibilityBatchRequest.class);
        verify(client, atLeast(0)).changeMessageVisibilityBatch(captor.capture());
        return captor.getAllValues();
    }

    private List<ChangeMessageVisibilityBatchRequestEntry> sentEntries() {
        return sentRequests().stream().flatMap(request -> request.entries().stream()).toList();
    }

    private List<Integer> visibilityTimeoutsSent() {
        return sentEntries().stream().map(ChangeMessageVisibilityBatchRequestEntry::visibilityTimeout).toList();
    }

    private List<ConsumerEvent.VisibilityExtended> extendedEvents() {
        return recorded.stream().filter(ConsumerEvent.VisibilityExtended.class::isInstance)
                .map(ConsumerEvent.VisibilityExtended.class::cast).toList();
    }

    private List<ConsumerEvent.LeaseLost> leaseLostEvents() {
        return recorded.stream().filter(ConsumerEvent.LeaseLost.class::isInstance)
                .map(ConsumerEvent.LeaseLost.class::cast).toList();
    }

    private List<ConsumerEvent.VisibilityExtensionRefused> refusedEvents() {
        return recorded.stream().filter(ConsumerEvent.VisibilityExtensionRefused.class::isInstance)
                .map(ConsumerEvent.VisibilityExtensionRefused.class::cast).toList();
    }

    private List<ConsumerEvent.RedeliveredWhileHeld> redeliveredEvents() {
        return recorded.stream().filter(ConsumerEvent.RedeliveredWhileHeld.class::isInstance)
                .map(ConsumerEvent.RedeliveredWhileHeld.class::cast).toList();
    }

    private static SqsException sqsError(int status, String code) {
        return (SqsException) SqsException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
                .build();
    }

    /** Another delivery of message {@code id}, with its own receipt handle. */
    private static InFlightMessage copy(String id, long leaseStartNanos, String receiptHandle) {
        Message message = Message.builder().messageId(id).receiptHandle(receiptHandle).body("body-" + id).build();
        SqsMessage view = SqsMessage.builder().queueUrl(QUEUE_URL).messageId(id).body(message.body()).build();
        return new InFlightMessage(message, view, false, leaseStartNanos, VISIBILITY.toNanos());
    }

    private List<String> trackAll(VisibilityExtender extender, String prefix, int count, long leaseStartNanos) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            extender.track(message(id, leaseStartNanos));
            ids.add(id);
        }
        return ids;
    }

    private static List<String> handles(List<String> ids) {
        return ids.stream().map(id -> "rh-" + id).toList();
    }

    private static InFlightMessage message(String id, long leaseStartNanos) {
        return message(id, leaseStartNanos, VISIBILITY);
    }

    private static InFlightMessage message(String id, long leaseStartNanos, Duration receivedVisibility) {
        Message message = Message.builder().messageId(id).receiptHandle("rh-" + id).body("body-" + id).build();
        SqsMessage view = SqsMessage.builder()
                .queueUrl(QUEUE_URL)
                .messageId(id)
                .body(message.body())
                .attributes(message.attributesAsStrings())
                .build();
        return new InFlightMessage(message, view, false, leaseStartNanos, receivedVisibility.toNanos());
    }

    private static long seconds(long seconds) {
        return TimeUnit.SECONDS.toNanos(seconds);
    }

    /** Awaitility polling often, so that a test waits no longer than its condition needs. */
    private static ConditionFactory awaitUpTo(Duration timeout) {
        return await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }
}
