package io.github.sqsreliable.tools;

import static io.github.sqsreliable.testing.DeadLetterFixtures.receive;
import static io.github.sqsreliable.testing.DeadLetterFixtures.record;
import static io.github.sqsreliable.testing.DeadLetterFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.testing.DeadLetterFixtures;
import io.github.sqsreliable.testing.RecordingInterceptor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * {@link DeadLetterRedrive} against the embedded ElasticMQ, whose counters are exact. Each test fills a fresh
 * dead-letter queue itself with messages shaped as sqs-reliable dead-letters them: the original body and
 * attributes plus a {@link FailureRecord} attribute.
 */
@Timeout(60)
class DeadLetterRedriveIT {

    private static final String TIMEOUT = "java.net.SocketTimeoutException";
    private static final String ILLEGAL_STATE = "java.lang.IllegalStateException";

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    // -------------------------------------------------------------------------------------------------------
    // Moving back
    // -------------------------------------------------------------------------------------------------------

    @Test
    void movesEveryMessageBackToItsOriginWithBodyAndAttributesButWithoutTheRecord() {
        // given 15 dead letters from two origin queues, each with its own attributes of every type
        String dlq = sqs.createQueue(QueueSpec.standard());
        String orders = sqs.createQueue(QueueSpec.standard());
        String payments = sqs.createQueue(QueueSpec.standard());
        Map<String, Map<String, MessageAttributeValue>> sentAttributes = new LinkedHashMap<>();
        for (int i = 0; i < 15; i++) {
            String origin = i < 10 ? orders : payments;
            Map<String, MessageAttributeValue> attributes = Map.of(
                    "trace-id", text("trace-" + i),
                    "priority", MessageAttributeValue.builder().dataType("Number").stringValue(Integer.toString(i))
                            .build(),
                    "signature", MessageAttributeValue.builder().dataType("Binary")
                            .binaryValue(SdkBytes.fromByteArray(new byte[] {(byte) i, 42})).build());
            sentAttributes.put("body-" + i, attributes);
            deadLetter(dlq, "body-" + i, record(origin, TIMEOUT, i), null, attributes);
        }
        List<RedriveProgress> progress = new CopyOnWriteArrayList<>();

        // when
        RedriveResult result = redrive(dlq).redrive(RedriveRequest.builder().build(), progress::add);

        // then every message is back at its origin, as it was sent, without the record
        assertThat(result.moved()).isEqualTo(15);
        assertThat(result.skipped()).isZero();
        assertThat(result.failed()).isZero();
        assertThat(result.succeeded()).isTrue();
        assertThat(result.movedByTarget()).containsExactlyInAnyOrderEntriesOf(Map.of(orders, 10L, payments, 5L));
        assertThat(sqs.counts(dlq).total()).isZero();
        List<Message> backInOrders = receiveAll(orders);
        List<Message> backInPayments = receiveAll(payments);
        assertThat(backInOrders).extracting(Message::body)
                .containsExactlyInAnyOrderElementsOf(bodies(0, 10));
        assertThat(backInPayments).extracting(Message::body)
                .containsExactlyInAnyOrderElementsOf(bodies(10, 15));
        for (Message message : concat(backInOrders, backInPayments)) {
            assertThat(message.messageAttributes()).doesNotContainKey(FailureRecord.ATTRIBUTE_NAME)
                    .isEqualTo(sentAttributes.get(message.body()));
        }
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).moved()).isEqualTo(15);
    }

    @Test
    void secondRunMovesNothing() {
        // given a dead-letter queue that was redriven once
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 3; i++) {
            deadLetter(dlq, "body-" + i, record(origin, TIMEOUT, i), null, Map.of("n", text("v" + i)));
        }
        assertThat(redrive(dlq).redrive(RedriveRequest.builder().build()).moved()).isEqualTo(3);

        // when it is redriven again
        RedriveResult second = redrive(dlq).redrive(RedriveRequest.builder().build());

        // then nothing moves and the origin holds each message once
        assertThat(second.moved()).isZero();
        assertThat(second.skipped()).isZero();
        assertThat(second.failed()).isZero();
        assertThat(second.movedByTarget()).isEmpty();
        assertThat(sqs.counts(origin).total()).isEqualTo(3);
    }

    @Test
    void movesOnlyTheMatchingErrorClassAndLeavesTheRestVisible() {
        // given 4 timeouts and 3 illegal states, interleaved
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 7; i++) {
            deadLetter(dlq, "body-" + i, record(origin, i % 2 == 0 ? TIMEOUT : ILLEGAL_STATE, i), null,
                    Map.of("n", text("v" + i)));
        }

        // when only timeouts are redriven, by simple name
        RedriveResult result = redrive(dlq).redrive(RedriveRequest.builder().errorClass("SocketTimeoutException")
                .build());

        // then the timeouts moved; the rest stay, released at once rather than after the run's visibility timeout
        assertThat(result.moved()).isEqualTo(4);
        assertThat(result.skipped()).isEqualTo(3);
        assertThat(result.failed()).isZero();
        assertThat(receiveAll(origin)).extracting(Message::body)
                .containsExactlyInAnyOrder("body-0", "body-2", "body-4", "body-6");
        EmbeddedSqs.QueueCounts left = sqs.counts(dlq);
        assertThat(left.visible()).isEqualTo(3);
        assertThat(left.notVisible()).isZero();
        assertThat(redrive(dlq).peek(10)).extracting(letter -> letter.failure().orElseThrow().errorClass())
                .containsOnly(ILLEGAL_STATE).hasSize(3);
    }

    @Test
    void skippedMessagesAreCountedOnceEvenWhenTheyReappearDuringTheRun() {
        // given 30 messages to skip and 5 to move, and a run visibility so short that skipped ones reappear
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        List<String> skippedIds = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            String id = deadLetter(dlq, "body-" + i, record(origin, i % 7 == 0 ? TIMEOUT : ILLEGAL_STATE, i), null,
                    Map.of());
            if (i % 7 != 0) {
                skippedIds.add(id);
            }
        }
        RecordingInterceptor recorder = new RecordingInterceptor();
        AtomicBoolean waited = new AtomicBoolean();

        // when the run, after its first batch, waits until that batch's skipped messages are visible again
        RedriveResult result;
        try (SqsAsyncClient client = sqs.newClient(recorder)) {
            result = redrive(client, dlq).redrive(RedriveRequest.builder().errorClass(TIMEOUT)
                    .visibilityTimeout(Duration.ofSeconds(1)).build(), progress -> {
                        if (waited.compareAndSet(false, true)) {
                            await().atMost(Duration.ofSeconds(10)).until(() -> sqs.counts(dlq).notVisible() == 0);
                        }
                    });
        }

        // then some were received twice, yet the run ended, counted each message once, and released them all
        assertThat(skippedIds).anySatisfy(id -> assertThat(recorder.receiptHandles(id)).hasSizeGreaterThan(1));
        assertThat(result.moved()).isEqualTo(5);
        assertThat(result.skipped()).isEqualTo(30);
        assertThat(sqs.counts(origin).total()).isEqualTo(5);
        EmbeddedSqs.QueueCounts left = sqs.counts(dlq);
        assertThat(left.visible()).isEqualTo(30);
        assertThat(left.notVisible()).isZero();
    }

    @Test
    void stopsAtMaxMessages() {
        // given 25 dead letters
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 25; i++) {
            deadLetter(dlq, "body-" + i, record(origin, TIMEOUT, i), null, Map.of());
        }

        // when at most 12 are moved
        RedriveResult result = redrive(dlq).redrive(RedriveRequest.builder().maxMessages(12).build());

        // then exactly 12 moved and 13 stay, none of them held
        assertThat(result.moved()).isEqualTo(12);
        assertThat(sqs.counts(origin).total()).isEqualTo(12);
        EmbeddedSqs.QueueCounts left = sqs.counts(dlq);
        assertThat(left.visible()).isEqualTo(13);
        assertThat(left.notVisible()).isZero();
    }

    @Test
    void sendsEverythingToAnExplicitTarget() {
        // given dead letters from an origin, one without a record
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        String target = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 4; i++) {
            deadLetter(dlq, "body-" + i, record(origin, TIMEOUT, i), null, Map.of("n", text("v" + i)));
        }
        deadLetter(dlq, "body-plain", null, null, Map.of("n", text("plain")));

        // when
        RedriveResult result = redrive(dlq).redrive(RedriveRequest.builder().targetQueueUrl(target).build());

        // then all five went to the target, none to the origin
        assertThat(result.moved()).isEqualTo(5);
        assertThat(result.movedByTarget()).containsExactly(Map.entry(target, 5L));
        assertThat(receiveAll(target)).extracting(Message::body)
                .containsExactlyInAnyOrder("body-0", "body-1", "body-2", "body-3", "body-plain");
        assertThat(sqs.counts(origin).total()).isZero();
        assertThat(sqs.counts(dlq).total()).isZero();
    }

    @Test
    void messageWithoutRecordIsSkippedAndStaysUnlessATargetIsGiven() {
        // given two messages with a record, one without, one with a malformed record
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        String target = sqs.createQueue(QueueSpec.standard());
        deadLetter(dlq, "body-0", record(origin, TIMEOUT, 0), null, Map.of());
        deadLetter(dlq, "body-1", record(origin, TIMEOUT, 1), null, Map.of());
        deadLetter(dlq, "body-plain", null, null, Map.of("n", text("plain")));
        sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(dlq).messageBody("body-malformed")
                .messageAttributes(Map.of(FailureRecord.ATTRIBUTE_NAME, text("attempts=x&garbage"),
                        "n", text("malformed")))
                .build()).join();

        // when redriven to their origins
        RedriveResult toOrigins = redrive(dlq).redrive(RedriveRequest.builder().build());

        // then the two without a readable record stay, visible
        assertThat(toOrigins.moved()).isEqualTo(2);
        assertThat(toOrigins.skipped()).isEqualTo(2);
        assertThat(toOrigins.failed()).isZero();
        EmbeddedSqs.QueueCounts left = sqs.counts(dlq);
        assertThat(left.visible()).isEqualTo(2);
        assertThat(left.notVisible()).isZero();

        // and when redriven to an explicit target, they go there, stripped of the malformed record too
        RedriveResult toTarget = redrive(dlq).redrive(RedriveRequest.builder().targetQueueUrl(target).build());
        assertThat(toTarget.moved()).isEqualTo(2);
        List<Message> moved = receiveAll(target);
        assertThat(moved).extracting(Message::body).containsExactlyInAnyOrder("body-plain", "body-malformed");
        assertThat(moved).allSatisfy(message -> assertThat(message.messageAttributes())
                .containsOnlyKeys("n"));
    }

    @Test
    void keepsEveryFifoGroupInOrder() {
        // given a FIFO dead-letter queue holding three interleaved groups of 12, in order
        String dlq = sqs.createQueue(QueueSpec.fifoQueue());
        String origin = sqs.createQueue(QueueSpec.fifoQueue());
        List<String> groups = List.of("g1", "g2", "g3");
        for (int i = 0; i < 12; i++) {
            for (String group : groups) {
                deadLetter(dlq, group + "-" + i, record(origin, TIMEOUT, i), group, Map.of("n", text("v" + i)));
            }
        }

        // when
        RedriveResult result = redrive(dlq).redrive(RedriveRequest.builder().build());

        // then every group arrived at the origin whole, in order, with its group id
        assertThat(result.moved()).isEqualTo(36);
        assertThat(sqs.counts(dlq).total()).isZero();
        Map<String, List<String>> arrived = new LinkedHashMap<>();
        for (Message message : receiveAllDeleting(origin)) {
            String group = message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            assertThat(message.body()).startsWith(group + "-");
            assertThat(message.messageAttributes()).containsOnlyKeys("n");
            arrived.computeIfAbsent(group, g -> new ArrayList<>()).add(message.body());
        }
        assertThat(arrived).containsOnlyKeys(groups);
        for (String group : groups) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                expected.add(group + "-" + i);
            }
            assertThat(arrived.get(group)).as(group).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void splitsLargeMessagesOverSeveralSendRequests() {
        // given 10 dead letters of 60 KiB each: 600 KiB, more than one SendMessageBatch may carry
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 10; i++) {
            deadLetter(dlq, i + "-" + "x".repeat(60 * 1024), record(origin, TIMEOUT, i), null, Map.of());
        }
        RecordingInterceptor recorder = new RecordingInterceptor();

        // when
        RedriveResult result;
        try (SqsAsyncClient client = sqs.newClient(recorder)) {
            result = redrive(client, dlq).redrive(RedriveRequest.builder().build());
        }

        // then all moved, in requests of at most 256 KiB
        assertThat(result.moved()).isEqualTo(10);
        assertThat(result.failed()).isZero();
        assertThat(recorder.calls("SendMessageBatchRequest")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(receiveAll(origin)).hasSize(10);
        assertThat(sqs.counts(dlq).total()).isZero();
    }

    // -------------------------------------------------------------------------------------------------------
    // Failures: send-then-delete
    // -------------------------------------------------------------------------------------------------------

    @Test
    void refusedSendLeavesTheMessageInTheDeadLetterQueueAndCountsItFailed() {
        // given a client whose first SendMessageBatch answer refuses its first entry
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 5; i++) {
            deadLetter(dlq, "body-" + i, record(origin, TIMEOUT, i), null, Map.of());
        }
        RefuseSendEntry refuse = new RefuseSendEntry(false);

        // when
        RedriveResult result;
        try (SqsAsyncClient client = sqs.newClient(refuse)) {
            result = redrive(client, dlq).redrive(RedriveRequest.builder().build());
        }

        // then the refused message is still in the dead-letter queue, visible again, and nothing is lost
        assertThat(result.moved()).isEqualTo(4);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.sentButNotDeleted()).isZero();
        assertThat(result.succeeded()).isFalse();
        assertThat(result.failures()).singleElement().satisfies(failure ->
                assertThat(failure.reason()).contains("InternalError"));
        EmbeddedSqs.QueueCounts left = sqs.counts(dlq);
        assertThat(left.visible()).isEqualTo(1);
        assertThat(left.notVisible()).isZero();
        List<DeadLetter> stillThere = redrive(dlq).peek(10);
        assertThat(stillThere).extracting(DeadLetter::body).containsExactly(refuse.refusedBody);
        assertThat(stillThere.get(0).messageId()).isEqualTo(result.failures().get(0).messageId());
        assertThat(receiveAll(origin)).extracting(Message::body).hasSize(4).doesNotContain(refuse.refusedBody);
    }

    @Test
    void refusedFifoSendHoldsBackTheRestOfItsGroup() {
        // given one FIFO group of three 100 KiB messages: one receive, but two send requests ([m0, m1], [m2])
        String dlq = sqs.createQueue(QueueSpec.fifoQueue());
        String origin = sqs.createQueue(QueueSpec.fifoQueue());
        String padding = "x".repeat(100 * 1024);
        for (int i = 0; i < 3; i++) {
            deadLetter(dlq, "m" + i + "-" + padding, record(origin, TIMEOUT, i), "g", Map.of());
        }
        RefuseSendEntry refuse = new RefuseSendEntry(true);
        RecordingInterceptor recorder = new RecordingInterceptor();

        // when the first request's last entry, m1, is refused
        RedriveResult result;
        try (SqsAsyncClient client = sqs.newClient(refuse, recorder)) {
            result = redrive(client, dlq).redrive(RedriveRequest.builder().build());
        }

        // then m0 moved, m2 was not sent ahead of m1, and both wait in the dead-letter queue in order
        assertThat(refuse.refusedBody).startsWith("m1-");
        assertThat(recorder.calls("SendMessageBatchRequest")).hasSize(1);
        assertThat(result.moved()).isEqualTo(1);
        assertThat(result.failed()).isEqualTo(2);
        assertThat(result.failures()).extracting(RedriveResult.Failure::reason)
                .anySatisfy(reason -> assertThat(reason).contains("must not overtake"));
        assertThat(receiveAllDeleting(origin)).extracting(message -> message.body().substring(0, 3))
                .containsExactly("m0-");
        assertThat(receiveAllDeleting(dlq)).extracting(message -> message.body().substring(0, 3))
                .containsExactly("m1-", "m2-");
    }

    @Test
    void failedSendRequestLeavesEveryMessageInTheDeadLetterQueue() {
        // given a client whose every SendMessageBatch fails
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 3; i++) {
            deadLetter(dlq, "body-" + i, record(origin, TIMEOUT, i), null, Map.of());
        }
        ExecutionInterceptor failSends = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof SendMessageBatchRequest) {
                    throw new IllegalStateException("injected: SendMessageBatch is down");
                }
            }
        };

        // when
        RedriveResult result;
        try (SqsAsyncClient client = sqs.newClient(failSends)) {
            result = redrive(client, dlq).redrive(RedriveRequest.builder().build());
        }

        // then nothing moved, all three are counted failed and are visible in the dead-letter queue
        assertThat(result.moved()).isZero();
        assertThat(result.failed()).isEqualTo(3);
        assertThat(result.failures()).hasSize(3)
                .allSatisfy(failure -> assertThat(failure.reason()).contains("injected: SendMessageBatch is down"));
        EmbeddedSqs.QueueCounts left = sqs.counts(dlq);
        assertThat(left.visible()).isEqualTo(3);
        assertThat(left.notVisible()).isZero();
        assertThat(sqs.counts(origin).total()).isZero();
    }

    @Test
    void sendToAMissingOriginFailsWithoutLosingTheMessage() {
        // given a dead letter whose origin queue no longer exists
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        String gone = sqs.endpoint() + "/000000000000/deleted-queue-" + System.nanoTime();
        deadLetter(dlq, "body-0", record(origin, TIMEOUT, 0), null, Map.of());
        deadLetter(dlq, "body-1", record(gone, TIMEOUT, 1), null, Map.of());

        // when
        RedriveResult result = redrive(dlq).redrive(RedriveRequest.builder().build());

        // then the other message moved, and this one is still in the dead-letter queue
        assertThat(result.moved()).isEqualTo(1);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.movedByTarget()).containsExactly(Map.entry(origin, 1L));
        assertThat(sqs.counts(dlq).visible()).isEqualTo(1);
        assertThat(redrive(dlq).peek(10)).extracting(DeadLetter::body).containsExactly("body-1");
    }

    @Test
    void refusedDeleteIsCountedAsSentButNotDeleted() {
        // given a client whose first DeleteMessageBatch answer refuses its first entry as the sender's fault
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 5; i++) {
            deadLetter(dlq, "body-" + i, record(origin, TIMEOUT, i), null, Map.of());
        }

        // when
        RedriveResult result;
        try (SqsAsyncClient client = sqs.newClient(new RefuseFirstDeleteEntry())) {
            result = redrive(client, dlq).redrive(RedriveRequest.builder().build());
        }

        // then all five reached the origin, and one is also still in the dead-letter queue: at least once
        assertThat(result.moved()).isEqualTo(4);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.sentButNotDeleted()).isEqualTo(1);
        assertThat(result.failures()).singleElement().satisfies(failure ->
                assertThat(failure.reason()).contains("ReceiptHandleIsInvalid", "both queues"));
        assertThat(sqs.counts(origin).total()).isEqualTo(5);
        assertThat(sqs.counts(dlq).total()).isEqualTo(1);
    }

    // -------------------------------------------------------------------------------------------------------
    // Peek
    // -------------------------------------------------------------------------------------------------------

    @Test
    void peekShowsMessagesWithoutRemovingThem() {
        // given three dead letters: with a record, without, with a malformed record
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        FailureRecord record = record(origin, TIMEOUT, 0);
        deadLetter(dlq, "body-0", record, null, Map.of("n", text("v0")));
        deadLetter(dlq, "body-plain", null, null, Map.of("n", text("plain")));
        sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(dlq).messageBody("body-malformed")
                .messageAttributes(Map.of(FailureRecord.ATTRIBUTE_NAME, text("attempts=1"))).build()).join();

        // when
        List<DeadLetter> letters = redrive(dlq).peek(10);

        // then all three are shown, the record read or its problem named, and all are still visible
        assertThat(letters).hasSize(3);
        Map<String, DeadLetter> byBody = new LinkedHashMap<>();
        letters.forEach(letter -> byBody.put(letter.body(), letter));
        assertThat(byBody.get("body-0").failure()).contains(record);
        assertThat(byBody.get("body-0").messageAttributes()).containsOnlyKeys("n");
        assertThat(byBody.get("body-0").problem()).isEmpty();
        assertThat(byBody.get("body-0").receiveCount()).isEqualTo(1);
        assertThat(byBody.get("body-plain").failure()).isEmpty();
        assertThat(byBody.get("body-plain").problem()).isEmpty();
        assertThat(byBody.get("body-malformed").failure()).isEmpty();
        assertThat(byBody.get("body-malformed").problem()).hasValueSatisfying(problem ->
                assertThat(problem).contains("missing"));
        assertThat(byBody.get("body-malformed").messageAttributes()).isEmpty();
        EmbeddedSqs.QueueCounts left = sqs.counts(dlq);
        assertThat(left.visible()).isEqualTo(3);
        assertThat(left.notVisible()).isZero();
    }

    @Test
    void peekStopsAtMax() {
        String dlq = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 15; i++) {
            deadLetter(dlq, "body-" + i, record(dlq, TIMEOUT, i), null, Map.of());
        }

        List<DeadLetter> letters = redrive(dlq).peek(12);

        assertThat(letters).hasSize(12).extracting(DeadLetter::messageId).doesNotHaveDuplicates();
        assertThat(sqs.counts(dlq).visible()).isEqualTo(15);
    }

    @Test
    void peekShowsTheMessageGroupOfAFifoDeadLetter() {
        String dlq = sqs.createQueue(QueueSpec.fifoQueue());
        deadLetter(dlq, "body-0", record(dlq, TIMEOUT, 0), "g1", Map.of());

        List<DeadLetter> letters = redrive(dlq).peek(5);

        assertThat(letters).singleElement().satisfies(letter -> assertThat(letter.messageGroupId()).contains("g1"));
        assertThat(sqs.counts(dlq).visible()).isEqualTo(1);
    }

    // -------------------------------------------------------------------------------------------------------
    // Fixtures
    // -------------------------------------------------------------------------------------------------------

    private DeadLetterRedrive redrive(String dlq) {
        return redrive(sqs.client(), dlq);
    }

    private static DeadLetterRedrive redrive(SqsAsyncClient client, String dlq) {
        return DeadLetterRedrive.builder().sqsClient(client).deadLetterQueueUrl(dlq).build();
    }

    private String deadLetter(String dlq, String body, FailureRecord record, String groupId,
                            Map<String, MessageAttributeValue> originalAttributes) {
        return DeadLetterFixtures.deadLetter(sqs, dlq, body, record, groupId, originalAttributes);
    }

    private List<Message> receiveAll(String queueUrl) {
        return DeadLetterFixtures.receiveAll(sqs, queueUrl);
    }

    /** Receives and deletes batch by batch, as a FIFO queue hands out a group's next messages only then. */
    private List<Message> receiveAllDeleting(String queueUrl) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.client().receiveMessage(receive(queueUrl)).join().messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            for (Message message : batch) {
                sqs.client().deleteMessage(DeleteMessageRequest.builder().queueUrl(queueUrl)
                        .receiptHandle(message.receiptHandle()).build()).join();
            }
        }
    }


    private static List<String> bodies(int from, int to) {
        List<String> bodies = new ArrayList<>();
        for (int i = from; i < to; i++) {
            bodies.add("body-" + i);
        }
        return bodies;
    }

    private static List<Message> concat(List<Message> first, List<Message> second) {
        List<Message> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /**
     * Refuses the first (or last) entry of the first SendMessageBatch: the entry is taken out of the request (so
     * the target really never gets it, as when SQS refuses an entry) and put back into the answer as a failure.
     */
    private static final class RefuseSendEntry implements ExecutionInterceptor {
        private static final ExecutionAttribute<SendMessageBatchRequestEntry> VICTIM =
                new ExecutionAttribute<>("refused-send-entry");
        private final boolean last;
        private final AtomicBoolean used = new AtomicBoolean();
        private volatile String refusedBody;

        RefuseSendEntry(boolean last) {
            this.last = last;
        }

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (context.request() instanceof SendMessageBatchRequest request && request.entries().size() > 1
                    && used.compareAndSet(false, true)) {
                List<SendMessageBatchRequestEntry> kept = new ArrayList<>(request.entries());
                SendMessageBatchRequestEntry victim = kept.remove(last ? kept.size() - 1 : 0);
                attributes.putAttribute(VICTIM, victim);
                refusedBody = victim.messageBody();
                return request.toBuilder().entries(kept).build();
            }
            return context.request();
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            SendMessageBatchRequestEntry victim = attributes.getAttribute(VICTIM);
            if (victim != null && context.response() instanceof SendMessageBatchResponse response) {
                List<BatchResultErrorEntry> failed = new ArrayList<>(response.failed());
                failed.add(BatchResultErrorEntry.builder().id(victim.id()).code("InternalError").senderFault(false)
                        .message("injected by the test").build());
                return response.toBuilder().failed(failed).build();
            }
            return context.response();
        }
    }

    /** Refuses the first entry of the first DeleteMessageBatch, as SQS does for a receipt handle it rejects. */
    private static final class RefuseFirstDeleteEntry implements ExecutionInterceptor {
        private static final ExecutionAttribute<DeleteMessageBatchRequestEntry> VICTIM =
                new ExecutionAttribute<>("refused-delete-entry");
        private final AtomicBoolean used = new AtomicBoolean();

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (context.request() instanceof DeleteMessageBatchRequest request && request.entries().size() > 1
                    && used.compareAndSet(false, true)) {
                attributes.putAttribute(VICTIM, request.entries().get(0));
                return request.toBuilder().entries(request.entries().subList(1, request.entries().size())).build();
            }
            return context.request();
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            DeleteMessageBatchRequestEntry victim = attributes.getAttribute(VICTIM);
            if (victim != null && context.response() instanceof DeleteMessageBatchResponse response) {
                List<BatchResultErrorEntry> failed = new ArrayList<>(response.failed());
                failed.add(BatchResultErrorEntry.builder().id(victim.id()).code("ReceiptHandleIsInvalid")
                        .senderFault(true).message("injected by the test").build());
                return response.toBuilder().failed(failed).build();
            }
            return context.response();
        }
    }
}
