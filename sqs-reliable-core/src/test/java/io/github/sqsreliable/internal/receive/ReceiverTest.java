package io.github.sqsreliable.internal.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** The receive stage's decisions, against a mocked client whose receives the test answers. */
class ReceiverTest {

    private static final String QUEUE = "https://sqs.test/1/q";
    private static final long MAX_MESSAGE = 1_048_576;

    private final SqsAsyncClient client = mock(SqsAsyncClient.class);
    private final List<CompletableFuture<ReceiveMessageResponse>> receives = new CopyOnWriteArrayList<>();
    private final List<Integer> asked = new CopyOnWriteArrayList<>();
    private final List<String> sinkThreads = new CopyOnWriteArrayList<>();
    private final List<List<Message>> handedOn = new CopyOnWriteArrayList<>();
    private final List<ConsumerEvent.PollFailed> pollFailures = new CopyOnWriteArrayList<>();
    private final ExecutorService answers = Executors.newSingleThreadExecutor(r -> new Thread(r, "answers"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicBoolean starving = new AtomicBoolean();
    private final ByteBudget bytes = new ByteBudget(1L << 30);

    ReceiverTest() {
        when(client.receiveMessage(any(ReceiveMessageRequest.class))).thenAnswer(invocation -> {
            asked.add(invocation.<ReceiveMessageRequest>getArgument(0).maxNumberOfMessages());
            CompletableFuture<ReceiveMessageResponse> receive = new CompletableFuture<>();
            receives.add(receive);
            return receive;
        });
    }

    @AfterEach
    void stopThreads() {
        answers.shutdownNow();
        timer.shutdownNow();
    }

    @Test
    void sendsAFullReceiveForEveryFreePollerWhilePermitsCoverIt() {
        receiver(new ReceivePermits(42), awake(8), timer).sendWhatFits();

        assertThat(asked).containsExactly(10, 10, 10, 10);
    }

    @Test
    void answersAreHandedOnAwayFromTheCompletingThreadAndPermitsThatComeBackSendTheNextReceive() {
        ReceivePermits permits = new ReceivePermits(10);
        Receiver receiver = receiver(permits, awake(2), timer);
        receiver.sendWhatFits();
        assertThat(asked).containsExactly(10);

        receives.get(0).complete(response(10));

        await().atMost(Duration.ofSeconds(5)).until(() -> handedOn.size() == 1);
        assertThat(sinkThreads).containsExactly("answers");
        assertThat(asked).hasSize(1); // every permit is held by a received message
        permits.release(9);
        assertThat(asked).hasSize(1);
        permits.release(1);
        assertThat(asked).containsExactly(10, 10);
    }

    @Test
    void unusedPermitsComeBackWithTheAnswer() {
        ReceivePermits permits = new ReceivePermits(10);
        receiver(permits, awake(1), timer).sendWhatFits();

        receives.get(0).complete(response(3));

        await().atMost(Duration.ofSeconds(5)).until(() -> permits.available() == 7 && handedOn.size() == 1);
    }

    @Test
    void asksForFewerThanTenOnlyWhenHandlersStarveAndNoReceiveIsInFlight() {
        ReceivePermits permits = new ReceivePermits(12);
        permits.tryTake(10); // held by messages being handled
        Receiver receiver = receiver(permits, awake(2), timer);

        receiver.sendWhatFits();
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(asked::isEmpty);

        starving.set(true);
        receiver.sendWhatFits();
        await().atMost(Duration.ofSeconds(5)).until(() -> asked.equals(List.of(2)));
    }

    @Test
    void aShortReceivePutsItsPollerToSleepButTheLastOneKeepsPolling() {
        PollerActivity activity = awake(2);
        receiver(new ReceivePermits(100), activity, timer).sendWhatFits();
        assertThat(asked).hasSize(2);

        receives.get(0).complete(response(0));
        receives.get(1).complete(response(4));

        await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() == 3);
        assertThat(activity.active()).isEqualTo(1);

        receives.get(2).complete(response(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() == 5);
        assertThat(activity.active()).isEqualTo(2);
    }

    @Test
    void aFailedReceiveHoldsItsPollerThroughTheBackoffThenReceivesAgain() {
        ScheduledExecutorService fakeTimer = mock(ScheduledExecutorService.class);
        ArgumentCaptor<Runnable> backoffEnd = ArgumentCaptor.forClass(Runnable.class);
        ArgumentCaptor<Long> delay = ArgumentCaptor.forClass(Long.class);
        ReceivePermits permits = new ReceivePermits(10);
        receiver(permits, awake(1), fakeTimer).sendWhatFits();

        receives.get(0).completeExceptionally(SqsException.builder().message("unavailable").statusCode(503).build());

        await().atMost(Duration.ofSeconds(5)).until(() -> pollFailures.size() == 1);
        verify(fakeTimer).schedule(backoffEnd.capture(), delay.capture(), eq(TimeUnit.MILLISECONDS));
        assertThat(delay.getValue()).isBetween(100L, 300L);
        assertThat(pollFailures.get(0).consecutiveFailures()).isEqualTo(1);
        assertThat(permits.available()).isEqualTo(10);
        assertThat(asked).hasSize(1);

        backoffEnd.getValue().run();

        assertThat(asked).hasSize(2);
    }

    @Test
    void stopEndsBackoffsAndSendsNothingMore() throws InterruptedException {
        ScheduledExecutorService fakeTimer = mock(ScheduledExecutorService.class);
        ReceivePermits permits = new ReceivePermits(10);
        Receiver receiver = receiver(permits, awake(1), fakeTimer);
        receiver.sendWhatFits();
        receives.get(0).completeExceptionally(SqsException.builder().message("unavailable").statusCode(503).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> pollFailures.size() == 1);
        verify(fakeTimer).schedule(any(Runnable.class), anyLong(), eq(TimeUnit.MILLISECONDS));

        receiver.stop();

        assertThat(receiver.awaitAnswered(TimeUnit.SECONDS.toNanos(5))).isTrue();
        permits.release(0);
        receiver.sendWhatFits();
        assertThat(asked).hasSize(1);
    }

    @Test
    void aDetachedReceiveHandsWhatItReturnsBackToTheQueueWithoutTheConsumer() throws InterruptedException {
        // given two receives in flight, left to finish without the consumer
        when(client.changeMessageVisibilityBatch(any(ChangeMessageVisibilityBatchRequest.class)))
                .thenReturn(CompletableFuture.completedFuture(ChangeMessageVisibilityBatchResponse.builder().build()));
        ReceivePermits permits = new ReceivePermits(20);
        Receiver receiver = receiver(permits, awake(2), timer);
        receiver.sendWhatFits();
        assertThat(receiver.detachInFlight()).isEqualTo(2);

        // when one returns three messages and the other none
        receives.get(0).complete(response(3));
        receives.get(1).complete(response(0));

        // then the three are released in one request, nothing is handed on, and permits and bytes come back
        assertThat(receiver.awaitAnswered(TimeUnit.SECONDS.toNanos(5))).isTrue();
        ArgumentCaptor<ChangeMessageVisibilityBatchRequest> release =
                ArgumentCaptor.forClass(ChangeMessageVisibilityBatchRequest.class);
        verify(client).changeMessageVisibilityBatch(release.capture());
        assertThat(release.getValue().entries()).extracting(ChangeMessageVisibilityBatchRequestEntry::receiptHandle)
                .containsExactly("r0", "r1", "r2");
        assertThat(release.getValue().entries()).allMatch(entry -> entry.visibilityTimeout() == 0);
        assertThat(receiver.handedBack()).isEqualTo(3);
        assertThat(handedOn).isEmpty();
        assertThat(permits.available()).isEqualTo(20);
        assertThat(bytes.used()).isZero();
    }

    @Test
    void receivesInFlightReserveTheQueuesMaximumMessageSizeForEachMessageTheyAskFor() {
        // given a budget for 25 messages of the queue's maximum size, and permits for many more
        ByteBudget tight = new ByteBudget(25 * MAX_MESSAGE);
        ReceivePermits permits = new ReceivePermits(100);
        Receiver receiver = receiver(permits, awake(5), timer, tight);

        // when it sends what fits
        receiver.sendWhatFits();

        // then two receives of 10 go out, not a third (which could take the budget over if all came back full)
        assertThat(asked).containsExactly(10, 10);
        assertThat(tight.used()).isEqualTo(20 * MAX_MESSAGE);

        // and when the first comes back empty, its reservation frees room for the next receive of 10
        receives.get(0).complete(response(0));
        await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() == 3);
        assertThat(asked.get(2)).isEqualTo(10);
    }

    @Test
    void aBudgetForFewerThanTenMessagesAsksForFewer() {
        // given a budget that holds 4 messages of the queue's maximum size
        ByteBudget tiny = new ByteBudget(4 * MAX_MESSAGE + 100);
        Receiver receiver = receiver(new ReceivePermits(100), awake(3), timer, tiny);

        // when / then one receive of 4 is in flight
        receiver.sendWhatFits();
        assertThat(asked).containsExactly(4);
    }

    private Receiver receiver(ReceivePermits permits, PollerActivity activity, ScheduledExecutorService timerToUse) {
        return receiver(permits, activity, timerToUse, bytes);
    }

    private Receiver receiver(ReceivePermits permits, PollerActivity activity, ScheduledExecutorService timerToUse,
                              ByteBudget budget) {
        ConsumerListener listener = new ConsumerListener() {
            @Override
            public void onPollFailed(ConsumerEvent.PollFailed event) {
                pollFailures.add(event);
            }
        };
        PrefetchTuner tuner = new PrefetchTuner(permits, permits.capacity(), 0, Duration.ofSeconds(30),
                System.nanoTime());
        return new Receiver(client, QUEUE, Duration.ofSeconds(20), null, List.of(), permits, budget, MAX_MESSAGE,
                tuner, activity,
                starving::get, (messages, leaseStart) -> {
                    sinkThreads.add(Thread.currentThread().getName());
                    handedOn.add(messages);
                    return null;
                }, new ConsumerEvents(List.of(listener)), answers, timerToUse);
    }

    private static ReceiveMessageResponse response(int messages) {
        List<Message> received = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            received.add(Message.builder().messageId("m" + i).receiptHandle("r" + i).body("b").build());
        }
        return ReceiveMessageResponse.builder().messages(Collections.unmodifiableList(received)).build();
    }

    /** All pollers active, as after receives came back full. */
    private static PollerActivity awake(int pollers) {
        PollerActivity activity = new PollerActivity(pollers);
        while (activity.wakeOne()) {
            // wake the next
        }
        return activity;
    }
}
