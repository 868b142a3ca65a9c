package io.github.sqsreliable.internal.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.publish.PublishException;
import io.github.sqsreliable.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

class QueueLaneTest {

    private static final String STANDARD = "http://localhost/000000000000/orders";
    private static final String FIFO = "http://localhost/000000000000/orders.fifo";

    /** A request sent, and the answer the test gives it. */
    record Sent(SendMessageBatchRequest request, CompletableFuture<SendMessageBatchResponse> answer) {
        List<String> bodies() {
            return request.entries().stream().map(SendMessageBatchRequestEntry::messageBody).toList();
        }

        void succeedAllBut(String... failedIds) {
            List<String> failed = List.of(failedIds);
            answer.complete(SendMessageBatchResponse.builder()
                    .successful(request.entries().stream().filter(e -> !failed.contains(e.id()))
                            .map(e -> SendMessageBatchResultEntry.builder().id(e.id()).messageId("id-" + e.messageBody())
                                    .build()).toList())
                    .failed(failed.stream().map(id -> BatchResultErrorEntry.builder().id(id).code("InternalError")
                            .senderFault(false).build()).toList())
                    .build());
        }
    }

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger finished = new AtomicInteger();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private QueueLane lane(String queueUrl, Duration linger, boolean strict) {
        PublishSettings settings = new PublishSettings(null, "test", linger, 1000, 32L << 20, Duration.ZERO, 3,
                Backoff.fixed(Duration.ofMillis(10)), Duration.ZERO, MessageTracing.none(), strict);
        return new QueueLane(queueUrl, settings, scheduler, request -> {
            CompletableFuture<SendMessageBatchResponse> answer = new CompletableFuture<>();
            sent.add(new Sent(request, answer));
            return answer;
        }, message -> finished.incrementAndGet());
    }

    private static PendingMessage message(String body) {
        return message(body, null, body.length());
    }

    private static PendingMessage message(String body, String group, long size) {
        return new PendingMessage(body, group, null, null, Map.of(), null, size);
    }

    private static List<PendingMessage> add(QueueLane lane, int count, String group) {
        List<PendingMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PendingMessage message = message("m" + i, group, 10);
            messages.add(message);
            lane.add(message);
        }
        return messages;
    }

    @Test
    void tenMessagesGoAtOnceInOneRequest() {
        QueueLane lane = lane(STANDARD, Duration.ofSeconds(10), false);

        add(lane, 10, null);

        assertThat(sent).singleElement().satisfies(request -> assertThat(request.bodies()).hasSize(10));
    }

    @Test
    void aPartialBatchWaitsForTheLinger() {
        QueueLane lane = lane(STANDARD, Duration.ofSeconds(1), false);
        long started = System.nanoTime();

        add(lane, 3, null);
        assertThat(sent).isEmpty();

        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(990);
        assertThat(sent.get(0).bodies()).containsExactly("m0", "m1", "m2");
    }

    @Test
    void noLingerSendsEachMessageAtOnce() {
        QueueLane lane = lane(STANDARD, Duration.ZERO, false);

        add(lane, 3, null);

        assertThat(sent).hasSize(3).allSatisfy(request -> assertThat(request.bodies()).hasSize(1));
    }

    @Test
    void aBatchCarriesAtMostOneMebibyte() {
        QueueLane lane = lane(STANDARD, Duration.ofSeconds(10), false);
        long size = 400 * 1024;

        lane.add(message("a", null, size));
        lane.add(message("b", null, size));
        assertThat(sent).isEmpty();
        lane.add(message("c", null, size)); // 1,200 KiB wait: the first two fill a batch

        assertThat(sent).singleElement().satisfies(request -> assertThat(request.bodies()).containsExactly("a", "b"));
        assertThat(lane.waiting()).isEqualTo(1);
    }

    @Test
    void aFifoQueueHasOneBatchInFlightAndKeepsTheOrder() {
        QueueLane lane = lane(FIFO, Duration.ofMillis(20), false);

        add(lane, 15, "g");
        assertThat(sent).singleElement().satisfies(request -> assertThat(request.bodies()).hasSize(10));
        sent.get(0).succeedAllBut();

        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
        List<String> bodies = new ArrayList<>(sent.get(0).bodies());
        bodies.addAll(sent.get(1).bodies());
        assertThat(bodies).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11",
                "m12", "m13", "m14");
    }

    @Test
    void aFifoQueueSendsAFailedEntryAgainBeforeAnythingLater() {
        QueueLane lane = lane(FIFO, Duration.ofMillis(50), false);
        List<PendingMessage> messages = add(lane, 10, "g");
        PendingMessage later = message("later", "g", 10);
        lane.add(later);

        sent.get(0).succeedAllBut("3");

        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
        assertThat(sent.get(1).bodies()).containsExactly("m3", "later");
        sent.get(1).succeedAllBut();
        await().atMost(Duration.ofSeconds(5)).until(() -> later.result.isDone());
        assertThat(messages.get(3).result.join().attempts()).isEqualTo(2);
        assertThat(messages.get(4).result.join().attempts()).isEqualTo(1);
        assertThat(finished).hasValue(11);
    }

    @Test
    void strictFifoOrderPutsOneMessageOfEachGroupInABatch() {
        QueueLane lane = lane(FIFO, Duration.ZERO, true);

        lane.add(message("a1", "a", 10)); // sent at once, alone
        lane.add(message("a2", "a", 10));
        lane.add(message("a3", "a", 10));
        lane.add(message("b1", "b", 10));
        sent.get(0).succeedAllBut();

        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
        assertThat(sent.get(1).bodies()).containsExactly("a2", "b1");
        sent.get(1).succeedAllBut();
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 3);
        assertThat(sent.get(2).bodies()).containsExactly("a3");
    }

    @Test
    void aSenderFaultFailsTheMessageWithoutSendingItAgain() {
        QueueLane lane = lane(STANDARD, Duration.ZERO, false);
        PendingMessage message = message("bad");
        lane.add(message);

        sent.get(0).answer().complete(SendMessageBatchResponse.builder().failed(BatchResultErrorEntry.builder()
                .id("0").code("InvalidParameterValue").senderFault(true).build()).build());

        await().atMost(Duration.ofSeconds(5)).until(() -> message.result.isDone());
        assertThatThrownBy(message.result::join).cause().isInstanceOfSatisfying(PublishException.class, failure -> {
            assertThat(failure.errorCode()).isEqualTo("InvalidParameterValue");
            assertThat(failure.senderFault()).isTrue();
        });
        assertThat(sent).hasSize(1);
    }

    @Test
    void aTransientFailureIsSentAgainUpToMaxAttempts() {
        QueueLane lane = lane(STANDARD, Duration.ZERO, false);
        PendingMessage message = message("flaky");
        lane.add(message);

        for (int attempt = 1; attempt <= 3; attempt++) {
            int expected = attempt;
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == expected);
            sent.get(attempt - 1).succeedAllBut("0");
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> message.result.isDone());
        assertThatThrownBy(message.result::join).cause().isInstanceOfSatisfying(PublishException.class,
                failure -> assertThat(failure.attempts()).isEqualTo(3));
        assertThat(sent).hasSize(3);
    }
}
