package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.BatchEntryFailedException;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.testing.RecordingInterceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;

@Timeout(60)
class AcknowledgementFailureIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    /**
     * Makes the first entry of the first DeleteMessageBatch fail with the given code: the entry is taken out of
     * the request (so the message really stays on the queue, as when SQS fails an entry) and put back into the
     * answer as a failure.
     */
    private static final class FailFirstDeleteEntry implements ExecutionInterceptor {
        private static final ExecutionAttribute<DeleteMessageBatchRequestEntry> VICTIM =
                new ExecutionAttribute<>("failed-delete-entry");
        private final String code;
        private final boolean senderFault;
        private final AtomicBoolean used = new AtomicBoolean();
        private final AtomicReference<String> failedReceiptHandle = new AtomicReference<>();

        FailFirstDeleteEntry(String code, boolean senderFault) {
            this.code = code;
            this.senderFault = senderFault;
        }

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (context.request() instanceof DeleteMessageBatchRequest request && request.entries().size() > 1
                    && used.compareAndSet(false, true)) {
                DeleteMessageBatchRequestEntry victim = request.entries().get(0);
                attributes.putAttribute(VICTIM, victim);
                failedReceiptHandle.set(victim.receiptHandle());
                return request.toBuilder().entries(request.entries().subList(1, request.entries().size())).build();
            }
            return context.request();
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            DeleteMessageBatchRequestEntry victim = attributes.getAttribute(VICTIM);
            if (victim != null && context.response() instanceof DeleteMessageBatchResponse response) {
                List<BatchResultErrorEntry> failed = new ArrayList<>(response.failed());
                failed.add(BatchResultErrorEntry.builder().id(victim.id()).code(code).senderFault(senderFault)
                        .message("injected by the test").build());
                return response.toBuilder().failed(failed).build();
            }
            return context.response();
        }
    }

    @Test
    void serverSideDeleteEntryFailureIsRetriedAndOnlyThenReportedAsDeleted() {
        // given a client whose first delete answer reports one entry as an internal error
        FailFirstDeleteEntry fault = new FailFirstDeleteEntry("InternalError", false);
        RecordingInterceptor recorder = new RecordingInterceptor();
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        sqs.sendAll(queueUrl, IntStream.range(0, 5).mapToObj(i -> "m" + i).toList());
        Map<String, Long> deletedAt = new ConcurrentHashMap<>();
        List<ConsumerEvent.DeleteFailed> deleteFailures = new CopyOnWriteArrayList<>();

        try (SqsAsyncClient client = sqs.newClient(fault, recorder);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .handler(message -> { })
                     .waitTime(Duration.ofSeconds(1))
                     .listener(new ConsumerListener() {
                         @Override
                         public void onDeleted(ConsumerEvent.MessageDeleted event) {
                             deletedAt.put(event.message().messageId(), System.nanoTime());
                         }

                         @Override
                         public void onDeleteFailed(ConsumerEvent.DeleteFailed event) {
                             deleteFailures.add(event);
                         }
                     })
                     .build()) {
            // when
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 5);

            // then the failed entry was sent again, and reported deleted only after that second request
            String handle = fault.failedReceiptHandle.get();
            assertThat(handle).isNotNull();
            List<RecordingInterceptor.Call> carrying = recorder.calls("DeleteMessageBatchRequest").stream()
                    .filter(c -> c.receiptHandles().contains(handle)).toList();
            assertThat(carrying).hasSize(2);
            String messageId = recorder.messageIdOf(handle);
            assertThat(deletedAt.get(messageId)).isGreaterThan(carrying.get(1).startedNanos());
            assertThat(deleteFailures).isEmpty();
            assertThat(consumer.metrics().deleteFailures()).isZero();
            assertThat(consumer.metrics().received()).isEqualTo(5);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void refusedDeleteEntryIsReportedAsFailedNotDeletedAndTheMessageComesBack() {
        // given a client whose first delete answer refuses one receipt handle
        FailFirstDeleteEntry fault = new FailFirstDeleteEntry("ReceiptHandleIsInvalid", true);
        RecordingInterceptor recorder = new RecordingInterceptor();
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        sqs.sendAll(queueUrl, IntStream.range(0, 5).mapToObj(i -> "m" + i).toList());
        List<ConsumerEvent.DeleteFailed> deleteFailures = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> handlerCalls = new ConcurrentHashMap<>();

        try (SqsAsyncClient client = sqs.newClient(fault, recorder);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .handler(message -> handlerCalls.computeIfAbsent(message.messageId(), id -> new AtomicInteger())
                             .incrementAndGet())
                     .waitTime(Duration.ofSeconds(1))
                     .listener(new ConsumerListener() {
                         @Override
                         public void onDeleteFailed(ConsumerEvent.DeleteFailed event) {
                             deleteFailures.add(event);
                         }
                     })
                     .build()) {
            // when
            consumer.start();

            // then the refusal is reported, not retried, and the message is handled again after its visibility lapses
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 5);
            assertThat(deleteFailures).hasSize(1);
            assertThat(deleteFailures.get(0).cause()).isInstanceOfSatisfying(BatchEntryFailedException.class, e -> {
                assertThat(e.errorCode()).isEqualTo("ReceiptHandleIsInvalid");
                assertThat(e.isReceiptHandleInvalid()).isTrue();
                assertThat(e.attempts()).isEqualTo(1);
            });
            String refusedMessage = deleteFailures.get(0).message().messageId();
            assertThat(handlerCalls.get(refusedMessage)).hasValue(2);
            assertThat(consumer.metrics().deleteFailures()).isEqualTo(1);
            assertThat(consumer.metrics().received()).isEqualTo(6);
            String handle = fault.failedReceiptHandle.get();
            assertThat(recorder.calls("DeleteMessageBatchRequest").stream()
                    .filter(c -> c.receiptHandles().contains(handle))).hasSize(1);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }
}
