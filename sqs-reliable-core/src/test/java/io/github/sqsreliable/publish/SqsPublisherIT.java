package io.github.sqsreliable.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import io.github.sqsreliable.testing.HoldSendBatches;
import io.github.sqsreliable.tracing.OpenTelemetryTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

@Timeout(60)
@ExtendWith(SqsTestExtension.class)
class SqsPublisherIT {

    /** Counts SendMessageBatch requests and their entries, once per call (not per SDK retry). */
    static final class CountBatches implements ExecutionInterceptor {
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger entries = new AtomicInteger();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof SendMessageBatchRequest request) {
                requests.incrementAndGet();
                entries.addAndGet(request.entries().size());
            }
        }
    }

    /**
     * Fails the entries that match, up to a number of times: each is taken out of the request (so it is really not
     * stored, as when SQS fails an entry) and put back into the answer as a failure with the given code. Each
     * message fails once at most, except with {@code times} {@link Integer#MAX_VALUE}.
     */
    static final class FailEntries implements ExecutionInterceptor {
        private static final ExecutionAttribute<List<String>> VICTIMS = new ExecutionAttribute<>("failed-entries");
        private final Predicate<SendMessageBatchRequestEntry> matches;
        private final String code;
        private final boolean senderFault;
        private final AtomicInteger left;
        private final java.util.Set<String> failedBodies = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final boolean always;

        FailEntries(Predicate<SendMessageBatchRequestEntry> matches, String code, boolean senderFault, int times) {
            this.matches = matches;
            this.code = code;
            this.senderFault = senderFault;
            this.left = new AtomicInteger(times);
            this.always = times == Integer.MAX_VALUE;
        }

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (!(context.request() instanceof SendMessageBatchRequest request)) {
                return context.request();
            }
            List<String> victims = new ArrayList<>();
            List<SendMessageBatchRequestEntry> kept = new ArrayList<>();
            for (SendMessageBatchRequestEntry entry : request.entries()) {
                if (matches.test(entry) && (always || failedBodies.add(entry.messageBody()))
                        && left.getAndDecrement() > 0) {
                    victims.add(entry.id());
                } else {
                    kept.add(entry);
                }
            }
            if (kept.isEmpty()) {
                // SQS refuses an empty batch: the last one goes through
                String last = victims.remove(victims.size() - 1);
                left.incrementAndGet();
                request.entries().stream().filter(entry -> entry.id().equals(last)).forEach(kept::add);
            }
            attributes.putAttribute(VICTIMS, victims);
            return request.toBuilder().entries(kept).build();
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            List<String> victims = attributes.getAttribute(VICTIMS);
            if (victims == null || victims.isEmpty() || !(context.response() instanceof SendMessageBatchResponse r)) {
                return context.response();
            }
            List<BatchResultErrorEntry> failed = new ArrayList<>(r.failed());
            for (String id : victims) {
                failed.add(BatchResultErrorEntry.builder().id(id).code(code).senderFault(senderFault)
                        .message("injected by the test").build());
            }
            return r.toBuilder().failed(failed).build();
        }
    }

    /** Fails whole SendMessageBatch requests, a number of times, before anything is sent. */
    static final class FailRequests implements ExecutionInterceptor {
        private final AtomicInteger left;
        private final int status;
        private final String code;

        FailRequests(int times, int status, String code) {
            this.left = new AtomicInteger(times);
            this.status = status;
            this.code = code;
        }

        static FailRequests throttling(int times) {
            return new FailRequests(times, 400, "ThrottlingException");
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof SendMessageBatchRequest && left.getAndDecrement() > 0) {
                throw SqsException.builder().statusCode(status).message("injected " + code)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("injected").build())
                        .build();
            }
        }
    }

    @Test
    void aThousandMessagesReachTheQueueInAboutAHundredRequests(EmbeddedSqs sqs, TestQueue queue) {
        CountBatches counter = new CountBatches();
        List<CompletableFuture<PublishResult>> results = new ArrayList<>();
        try (SqsAsyncClient client = sqs.newClient(counter);
             SqsPublisher publisher = SqsPublisher.builder().sqsClient(client).build()) {
            for (int i = 0; i < 1000; i++) {
                results.add(publisher.publish(queue.url(), "message " + i));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();
        }

        assertThat(results).allSatisfy(result -> assertThat(result.join().messageId()).isNotBlank());
        assertThat(counter.entries).hasValue(1000);
        // 100 full batches, plus a few partial ones whose linger ran out while the loop was slow (class loading)
        assertThat(counter.requests.get()).isBetween(100, 125);
        List<Message> stored = sqs.takeAll(queue.url());
        assertThat(stored).extracting(Message::body).hasSize(1000).doesNotHaveDuplicates()
                .contains("message 0", "message 999");
        System.out.printf("1000 messages in %d SendMessageBatch requests%n", counter.requests.get());
    }

    @Test
    void keepsEachGroupsOrderOnAFifoQueueWhenRequestsFail(EmbeddedSqs sqs,
            @QueueOptions(fifo = true) TestQueue queue) {
        // three requests throttled, two failed with a server error
        try (SqsAsyncClient client = sqs.newClient(FailRequests.throttling(3),
                new FailRequests(2, 500, "InternalError"))) {
            List<PublishResult> results = publishInGroups(client, queue.url(), false);
            assertThat(results.stream().mapToInt(PublishResult::attempts).max().orElse(0)).isGreaterThan(1);
        }
        assertOrderedInGroups(sqs.takeAll(queue.url()));
    }

    @Test
    void strictOrderKeepsEachGroupsOrderWhenSingleEntriesFail(EmbeddedSqs sqs,
            @QueueOptions(fifo = true) TestQueue queue) {
        // every fifth message fails once with an SQS server error, alone in its batch
        FailEntries serverErrors = new FailEntries(entry -> entry.messageBody().endsWith("0")
                || entry.messageBody().endsWith("5"), "InternalError", false, 30);
        try (SqsAsyncClient client = sqs.newClient(serverErrors)) {
            List<PublishResult> results = publishInGroups(client, queue.url(), true);
            assertThat(results.stream().mapToInt(PublishResult::attempts).max().orElse(0)).isGreaterThan(1);
        }
        assertOrderedInGroups(sqs.takeAll(queue.url()));
    }

    /** 150 messages in three groups, interleaved, each with its own deduplication id. */
    private static List<PublishResult> publishInGroups(SqsAsyncClient client, String queueUrl, boolean strict) {
        List<CompletableFuture<PublishResult>> results = new ArrayList<>();
        try (SqsPublisher publisher = SqsPublisher.builder().sqsClient(client).fifoStrictOrder(strict)
                .retryBackoff(Backoff.fixed(Duration.ofMillis(20))).build()) {
            for (int i = 0; i < 150; i++) {
                String group = "group-" + (i % 3);
                results.add(publisher.publish(queueUrl, OutgoingMessage.builder()
                        .body(group + ":" + String.format("%03d", i))
                        .messageGroupId(group)
                        .deduplicationId("dedup-" + i)
                        .build()));
            }
            return results.stream().map(CompletableFuture::join).toList();
        }
    }

    private static void assertOrderedInGroups(List<Message> stored) {
        Map<String, List<String>> byGroup = new LinkedHashMap<>();
        for (Message message : stored) {
            byGroup.computeIfAbsent(message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                    group -> new ArrayList<>()).add(message.body());
        }
        assertThat(byGroup).hasSize(3);
        byGroup.forEach((group, bodies) -> assertThat(bodies).as(group).hasSize(50).isSorted()
                .allMatch(body -> body.startsWith(group + ":")));
    }

    @Test
    void sendsTheDelayAndEveryKindOfAttribute(EmbeddedSqs sqs, TestQueue queue) {
        try (SqsPublisher publisher = SqsPublisher.builder().sqsClient(sqs.client()).build()) {
            publisher.publish(queue.url(), OutgoingMessage.builder()
                    .body("delayed")
                    .delay(Duration.ofSeconds(2))
                    .stringAttribute("kind", "order")
                    .numberAttribute("amount", new java.math.BigDecimal("12.50"))
                    .binaryAttribute("raw", new byte[] {1, 2, 3})
                    .build()).join();

            assertThat(sqs.counts(queue.url()).delayed()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> sqs.counts(queue.url()).visible() == 1);
        }
        Message message = sqs.takeAll(queue.url()).get(0);
        assertThat(message.body()).isEqualTo("delayed");
        assertThat(message.messageAttributes().get("kind").stringValue()).isEqualTo("order");
        assertThat(message.messageAttributes().get("amount").dataType()).isEqualTo("Number");
        assertThat(message.messageAttributes().get("amount").stringValue()).isEqualTo("12.50");
        assertThat(message.messageAttributes().get("raw").binaryValue().asByteArray()).containsExactly(1, 2, 3);
    }

    @Test
    void aRefusedEntryFailsOnlyItsOwnMessageAtOnce(EmbeddedSqs sqs, TestQueue queue) {
        CountBatches counter = new CountBatches();
        FailEntries refuse = new FailEntries(entry -> entry.messageBody().equals("bad"), "InvalidParameterValue",
                true, Integer.MAX_VALUE);
        List<CompletableFuture<PublishResult>> results = new ArrayList<>();
        try (SqsAsyncClient client = sqs.newClient(counter, refuse);
             SqsPublisher publisher = SqsPublisher.builder().sqsClient(client).linger(Duration.ofMillis(500))
                     .build()) {
            for (int i = 0; i < 10; i++) {
                results.add(publisher.publish(queue.url(), i == 4 ? "bad" : "good " + i));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        }

        assertThatThrownBy(() -> results.get(4).join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(PublishException.class, failure -> {
                    assertThat(failure.errorCode()).isEqualTo("InvalidParameterValue");
                    assertThat(failure.senderFault()).isTrue();
                    assertThat(failure.attempts()).isEqualTo(1);
                    assertThat(failure.getMessage()).doesNotContain("bad");
                });
        assertThat(counter.requests).hasValue(1); // not sent again
        assertThat(sqs.takeAll(queue.url())).extracting(Message::body).hasSize(9).doesNotContain("bad");
    }

    @Test
    void retriesTransientFailuresUntilStoredOnce(EmbeddedSqs sqs, TestQueue queue) {
        FailEntries serverErrors = new FailEntries(entry -> true, "ServiceUnavailable", false, 15);
        List<CompletableFuture<PublishResult>> results = new ArrayList<>();
        try (SqsAsyncClient client = sqs.newClient(FailRequests.throttling(2), serverErrors);
             SqsPublisher publisher = SqsPublisher.builder().sqsClient(client)
                     .retryBackoff(Backoff.fixed(Duration.ofMillis(10))).build()) {
            for (int i = 0; i < 30; i++) {
                results.add(publisher.publish(queue.url(), "message " + i));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();
        }

        assertThat(results.stream().mapToInt(result -> result.join().attempts()).sum()).isGreaterThanOrEqualTo(30 + 15 + 2);
        assertThat(sqs.takeAll(queue.url())).extracting(Message::body).hasSize(30).doesNotHaveDuplicates();
    }

    @Test
    void givesUpAfterMaxAttempts(EmbeddedSqs sqs, TestQueue queue) {
        try (SqsAsyncClient client = sqs.newClient(new FailRequests(100, 500, "InternalError"));
             SqsPublisher publisher = SqsPublisher.builder().sqsClient(client).maxAttempts(3)
                     .retryBackoff(Backoff.fixed(Duration.ofMillis(10))).build()) {
            CompletableFuture<PublishResult> result = publisher.publish(queue.url(), "never stored");

            assertThatThrownBy(result::join).cause().isInstanceOfSatisfying(PublishException.class, failure -> {
                assertThat(failure.errorCode()).isEqualTo("InternalError");
                assertThat(failure.senderFault()).isFalse();
                assertThat(failure.attempts()).isEqualTo(3);
            });
        }
    }

    @Test
    void waitsUpToMaxBlockWhenFullThenFails(EmbeddedSqs sqs, TestQueue queue) {
        HoldSendBatches hold = new HoldSendBatches();
        try (SqsAsyncClient client = sqs.newClient(hold);
             // a linger long enough that the batch is sent by the publisher's thread, which the hold then stops
             SqsPublisher publisher = SqsPublisher.builder().sqsClient(client).maxPendingMessages(5)
                     .linger(Duration.ofMillis(200)).maxBlock(Duration.ofMillis(300)).build()) {
            List<CompletableFuture<PublishResult>> accepted = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                accepted.add(publisher.publish(queue.url(), "message " + i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> hold.held.get() == 1);

            long started = System.nanoTime();
            CompletableFuture<PublishResult> refused = publisher.publish(queue.url(), "one too many");
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;

            assertThat(waitedMillis).isBetween(290L, 2_000L);
            assertThatThrownBy(refused::join).cause().isInstanceOfSatisfying(PublishException.class,
                    failure -> assertThat(failure.errorCode()).isEqualTo(PublishException.PUBLISHER_FULL));
            hold.release.countDown();
            CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).join();
            assertThat(publisher.publish(queue.url(), "room again").join().messageId()).isNotBlank();
        } finally {
            hold.release.countDown();
        }
        assertThat(sqs.takeAll(queue.url())).hasSize(6);
    }

    @Test
    void closeSendsWhatLingersAndRefusesMore(EmbeddedSqs sqs, TestQueue queue) {
        SqsPublisher publisher = SqsPublisher.builder().sqsClient(sqs.client()).linger(Duration.ofSeconds(1)).build();
        List<CompletableFuture<PublishResult>> results = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            results.add(publisher.publish(queue.url(), "message " + i));
        }

        long started = System.nanoTime();
        publisher.close();
        long closeMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(results).allSatisfy(result -> assertThat(result).isCompleted().isNotCompletedExceptionally());
        assertThat(closeMillis).isLessThan(900); // did not wait out the linger
        assertThatThrownBy(() -> publisher.publish(queue.url(), "late").join()).cause()
                .isInstanceOfSatisfying(PublishException.class,
                        failure -> assertThat(failure.errorCode()).isEqualTo(PublishException.PUBLISHER_CLOSED));
        assertThat(sqs.takeAll(queue.url())).hasSize(25);
    }

    @Test
    void closeFailsWhatIsUnconfirmedAtItsTimeout(EmbeddedSqs sqs, TestQueue queue) {
        HoldSendBatches hold = new HoldSendBatches();
        try (SqsAsyncClient client = sqs.newClient(hold)) {
            SqsPublisher publisher = SqsPublisher.builder().sqsClient(client)
                    .closeTimeout(Duration.ofMillis(300)).build();
            CompletableFuture<PublishResult> result = publisher.publish(queue.url(), "held");
            await().atMost(Duration.ofSeconds(5)).until(() -> hold.held.get() == 1);

            publisher.close();

            assertThatThrownBy(result::join).cause().isInstanceOfSatisfying(PublishException.class,
                    failure -> assertThat(failure.errorCode()).isEqualTo(PublishException.PUBLISHER_CLOSED));
        } finally {
            hold.release.countDown();
        }
    }

    @Test
    void refusesWhatAFifoQueueWouldRefuse(EmbeddedSqs sqs, @QueueOptions(fifo = true) TestQueue queue) {
        try (SqsPublisher publisher = SqsPublisher.builder().sqsClient(sqs.client()).build()) {
            assertThatThrownBy(() -> publisher.publish(queue.url(), "no group").join()).cause()
                    .isInstanceOfSatisfying(PublishException.class,
                            failure -> assertThat(failure.errorCode()).isEqualTo("MissingParameter"));
            assertThatThrownBy(() -> publisher.publish(queue.url(), OutgoingMessage.builder().body("delayed")
                    .messageGroupId("g").deduplicationId("d").delay(Duration.ofSeconds(1)).build()).join()).cause()
                    .isInstanceOfSatisfying(PublishException.class,
                            failure -> assertThat(failure.errorCode()).isEqualTo("InvalidParameterValue"));
        }
    }

    @Test
    void aMissingQueueFailsEveryMessageOfTheBatch(EmbeddedSqs sqs, TestQueue queue) {
        String missing = queue.url() + "-missing";
        try (SqsPublisher publisher = SqsPublisher.builder().sqsClient(sqs.client()).build()) {
            assertThatThrownBy(() -> publisher.publish(missing, "lost?").join()).cause()
                    .isInstanceOfSatisfying(PublishException.class, failure -> {
                        assertThat(failure.errorCode()).matches(".*(NonExistentQueue|QueueDoesNotExist).*");
                        assertThat(failure.senderFault()).isTrue();
                    });
        }
    }
    @Test
    void eachMessageCarriesTheTraceContextOfThePublishingThread(EmbeddedSqs sqs, TestQueue queue) {
        try (OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build())
                .build();
             SqsPublisher publisher = SqsPublisher.builder().sqsClient(sqs.client())
                     .tracing(OpenTelemetryTracing.create(openTelemetry)).build()) {
            Span span = openTelemetry.getTracer("test").spanBuilder("producer").startSpan();
            Scope scope = span.makeCurrent();
            try {
                publisher.publish(queue.url(), "traced").join();
            } finally {
                scope.close();
                span.end();
            }
            publisher.publish(queue.url(), "untraced").join();

            Map<String, Message> byBody = new LinkedHashMap<>();
            sqs.takeAll(queue.url()).forEach(message -> byBody.put(message.body(), message));
            Message traced = byBody.get("traced");
            assertThat(traced.messageAttributes()).as("%s", traced).containsKey("traceparent");
            String traceId = span.getSpanContext().getTraceId();
            assertThat(traced.messageAttributes().get("traceparent").stringValue())
                    .isEqualTo("00-" + traceId + "-" + span.getSpanContext().getSpanId() + "-"
                            + span.getSpanContext().getTraceFlags().asHex());
            assertThat(traced.attributes().get(MessageSystemAttributeName.AWS_TRACE_HEADER))
                    .startsWith("Root=1-" + traceId.substring(0, 8) + "-" + traceId.substring(8));
            assertThat(byBody.get("untraced").messageAttributes()).doesNotContainKey("traceparent");
        }
    }
}
