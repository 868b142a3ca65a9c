package io.github.sqsreliable.test.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

@Timeout(60)
@ExtendWith(SqsTestExtension.class)
class SqsEventSourceIT {

    private static final SQSBatchResponse ALL_SUCCEEDED = new SQSBatchResponse(List.of());

    @Test
    void deletesEveryMessageWhenTheFunctionReportsNoFailures(EmbeddedSqs sqs, TestQueue queue) {
        sqs.sendMessages(queue.url(), 5);
        List<String> bodies = new CopyOnWriteArrayList<>();

        SqsEventSource.Invocation invocation = source(sqs, queue, (event, context) -> {
            event.getRecords().forEach(r -> bodies.add(r.getBody()));
            return ALL_SUCCEEDED;
        }).pollOnce();

        assertThat(invocation.invoked()).isTrue();
        assertThat(bodies).containsExactlyInAnyOrder("0", "1", "2", "3", "4");
        assertThat(invocation.deletedMessageIds()).hasSize(5);
        assertThat(invocation.failedMessageIds()).isEmpty();
        assertThat(invocation.batchFailure()).isNull();
        assertThat(invocation.responseJson()).contains("\"batchItemFailures\":[]");
        assertThat(sqs.counts(queue.url()).total()).isZero();
    }

    @Test
    void deletesEveryMessageWhenTheFunctionReturnsNull(EmbeddedSqs sqs, TestQueue queue) {
        sqs.sendMessages(queue.url(), 3);

        SqsEventSource.Invocation invocation = source(sqs, queue, (event, context) -> null).pollOnce();

        assertThat(invocation.response()).isNull();
        assertThat(invocation.responseJson()).isEqualTo("null");
        assertThat(invocation.deletedMessageIds()).hasSize(3);
        assertThat(sqs.counts(queue.url()).total()).isZero();
    }

    @Test
    void leavesExactlyTheReportedFailuresWhichComeBackWithASecondReceiveCount(EmbeddedSqs sqs,
            @QueueOptions(visibilityTimeout = "PT1S") TestQueue queue) {
        sqs.sendAll(queue.url(), List.of("ok-1", "bad-1", "ok-2", "bad-2"));
        Set<String> seen = ConcurrentHashMap.newKeySet();
        SqsEventSource source = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue.url())
                .functionTimeout(Duration.ofSeconds(1)).waitTime(Duration.ofSeconds(3))
                .function((event, context) -> new SQSBatchResponse(event.getRecords().stream()
                        .filter(r -> r.getBody().startsWith("bad") && seen.add(r.getMessageId()))
                        .map(r -> new SQSBatchResponse.BatchItemFailure(r.getMessageId())).toList()))
                .build();

        SqsEventSource.Invocation first = source.pollOnce();
        SqsEventSource.Invocation second = source.pollOnce();

        assertThat(first.records()).hasSize(4);
        assertThat(first.failedMessageIds()).containsExactlyInAnyOrderElementsOf(seen);
        assertThat(first.deletedMessageIds()).hasSize(2).doesNotContainAnyElementsOf(seen);
        assertThat(second.records()).extracting(SQSEvent.SQSMessage::getBody)
                .containsExactlyInAnyOrder("bad-1", "bad-2");
        assertThat(second.records()).allSatisfy(r ->
                assertThat(r.getAttributes()).containsEntry("ApproximateReceiveCount", "2"));
        assertThat(second.deletedMessageIds()).containsExactlyInAnyOrderElementsOf(seen);
        assertThat(sqs.counts(queue.url()).total()).isZero();
    }

    @Test
    void deletesNothingWhenTheFunctionThrows(EmbeddedSqs sqs, TestQueue queue) {
        sqs.sendMessages(queue.url(), 3);
        IllegalStateException failure = new IllegalStateException("boom");

        SqsEventSource.Invocation invocation = source(sqs, queue, (event, context) -> {
            throw failure;
        }).pollOnce();

        assertThat(invocation.threw()).isTrue();
        assertThat(invocation.thrown()).isSameAs(failure);
        assertThat(invocation.response()).isNull();
        assertThat(invocation.deletedMessageIds()).isEmpty();
        assertThat(invocation.failedMessageIds()).hasSize(3);
        assertThat(invocation.batchFailure()).contains("threw").contains("boom");
        assertThat(sqs.counts(queue.url()).notVisible()).isEqualTo(3);
    }

    @Test
    void deletesNothingAndInterruptsTheFunctionWhenItTimesOut(EmbeddedSqs sqs,
            @QueueOptions(visibilityTimeout = "PT2S") TestQueue queue) throws InterruptedException {
        sqs.sendMessages(queue.url(), 2);
        AtomicInteger remainingAtStart = new AtomicInteger(-1);
        AtomicInteger interrupted = new AtomicInteger();
        SqsEventSource source = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue.url())
                .functionTimeout(Duration.ofMillis(300))
                .function((event, context) -> {
                    remainingAtStart.set(context.getRemainingTimeInMillis());
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    }
                    return ALL_SUCCEEDED;
                })
                .build();

        SqsEventSource.Invocation invocation = source.pollOnce();

        assertThat(invocation.timedOut()).isTrue();
        assertThat(invocation.deletedMessageIds()).isEmpty();
        assertThat(invocation.failedMessageIds()).hasSize(2);
        assertThat(invocation.response()).isNull();
        assertThat(invocation.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(remainingAtStart.get()).isBetween(1, 300);
        assertThat(sqs.counts(queue.url()).notVisible()).isEqualTo(2);
        Thread.sleep(200);
        assertThat(interrupted.get()).isEqualTo(1);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = "not-a-message-id")
    void anInvalidItemIdentifierFailsTheWholeBatch(String itemIdentifier, EmbeddedSqs sqs, TestQueue queue) {
        sqs.sendMessages(queue.url(), 3);

        SqsEventSource.Invocation invocation = source(sqs, queue, (event, context) ->
                new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure(itemIdentifier)))).pollOnce();

        assertThat(invocation.deletedMessageIds()).isEmpty();
        assertThat(invocation.failedMessageIds()).hasSize(3);
        assertThat(invocation.batchFailure()).contains("is not a messageId of the batch");
        assertThat(sqs.counts(queue.url()).notVisible()).isEqualTo(3);
    }

    @Test
    void withoutReportBatchItemFailuresAResponseMeansEverythingSucceeded(EmbeddedSqs sqs, TestQueue queue) {
        sqs.sendMessages(queue.url(), 3);
        SqsEventSource source = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue.url())
                .reportBatchItemFailures(false)
                .function((event, context) -> new SQSBatchResponse(List.of(
                        new SQSBatchResponse.BatchItemFailure(event.getRecords().get(0).getMessageId()),
                        new SQSBatchResponse.BatchItemFailure("not-a-message-id"))))
                .build();

        SqsEventSource.Invocation invocation = source.pollOnce();

        assertThat(invocation.deletedMessageIds()).hasSize(3);
        assertThat(invocation.batchFailure()).isNull();
        assertThat(sqs.counts(queue.url()).total()).isZero();
    }

    @Test
    void aFifoRecordCarriesItsGroupSequenceAndDeduplicationIds(EmbeddedSqs sqs,
            @QueueOptions(fifo = true) TestQueue queue) {
        sqs.sendGroupInOrder(queue.url(), "user-7", List.of("a", "b", "c"));

        SqsEventSource.Invocation invocation = source(sqs, queue, (event, context) -> ALL_SUCCEEDED).pollOnce();

        assertThat(invocation.records()).extracting(SQSEvent.SQSMessage::getBody).containsExactly("a", "b", "c");
        assertThat(invocation.records()).allSatisfy(r -> assertThat(r.getAttributes())
                .containsEntry("MessageGroupId", "user-7")
                .containsKeys("SequenceNumber", "MessageDeduplicationId", "ApproximateReceiveCount",
                        "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"));
        assertThat(invocation.records()).extracting(r -> Long.parseLong(r.getAttributes().get("SequenceNumber")))
                .isSorted();
        assertThat(sqs.counts(queue.url()).total()).isZero();
    }

    @Test
    void messageAttributesArriveWithTheirTypesAndValues(EmbeddedSqs sqs, TestQueue queue) {
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        sqs.client().sendMessage(r -> r.queueUrl(queue.url()).messageBody("with attributes").messageAttributes(Map.of(
                "userId", MessageAttributeValue.builder().dataType("String").stringValue("user-7").build(),
                "width", MessageAttributeValue.builder().dataType("Number").stringValue("640").build(),
                "thumbnail", MessageAttributeValue.builder().dataType("Binary")
                        .binaryValue(SdkBytes.fromByteArray(bytes)).build()))).join();

        SqsEventSource.Invocation invocation = source(sqs, queue, (event, context) -> ALL_SUCCEEDED).pollOnce();

        SQSEvent.SQSMessage record = invocation.records().get(0);
        Map<String, SQSEvent.MessageAttribute> attributes = record.getMessageAttributes();
        assertThat(attributes.get("userId").getDataType()).isEqualTo("String");
        assertThat(attributes.get("userId").getStringValue()).isEqualTo("user-7");
        assertThat(attributes.get("width").getDataType()).isEqualTo("Number");
        assertThat(attributes.get("width").getStringValue()).isEqualTo("640");
        assertThat(attributes.get("thumbnail").getDataType()).isEqualTo("Binary");
        assertThat(bytesOf(attributes.get("thumbnail").getBinaryValue())).isEqualTo(bytes);
        assertThat(attributes.get("thumbnail").getStringValue()).isNull();
        assertThat(record.getMd5OfMessageAttributes()).hasSize(32);
        JsonNode thumbnail = JsonNode.parser().parse(invocation.eventJson()).field("Records").get().asArray().get(0)
                .field("messageAttributes").get().field("thumbnail").get();
        assertThat(thumbnail.field("binaryValue").get().text()).isEqualTo(Base64.getEncoder().encodeToString(bytes));
        assertThat(thumbnail.field("stringValue")).isEmpty();
        assertThat(thumbnail.field("stringListValues").get().asArray()).isEmpty();
        assertThat(thumbnail.field("binaryListValues").get().asArray()).isEmpty();
    }

    @Test
    void theRawEventIsLambdasJsonWithTheQueuesRealArn(EmbeddedSqs sqs, TestQueue queue) {
        sqs.sendAll(queue.url(), List.of("plain", "{\"json\": \"body\\n\"}", "ünïcødé"));
        String arn = sqs.queueArn(queue.url());

        SqsEventSource.Invocation invocation = source(sqs, queue, (event, context) -> ALL_SUCCEEDED).pollOnce();

        List<JsonNode> records = JsonNode.parser().parse(invocation.eventJson()).field("Records").get().asArray();
        assertThat(records).hasSize(3);
        List<String> bodies = new ArrayList<>();
        for (JsonNode record : records) {
            Map<String, JsonNode> fields = record.asObject();
            assertThat(fields).containsOnlyKeys("messageId", "receiptHandle", "body", "attributes",
                    "messageAttributes", "md5OfMessageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                    "awsRegion");
            assertThat(fields.get("eventSource").text()).isEqualTo("aws:sqs");
            assertThat(fields.get("eventSourceARN").text()).isEqualTo(arn);
            assertThat(fields.get("awsRegion").text()).isEqualTo(arn.split(":")[3]);
            assertThat(fields.get("md5OfMessageAttributes").isNull()).isTrue();
            assertThat(fields.get("messageAttributes").asObject()).isEmpty();
            assertThat(fields.get("attributes").asObject()).containsKeys("ApproximateReceiveCount", "SentTimestamp",
                    "SenderId", "ApproximateFirstReceiveTimestamp");
            bodies.add(fields.get("body").text());
        }
        assertThat(bodies).containsExactlyInAnyOrder("plain", "{\"json\": \"body\\n\"}", "ünïcødé");
        assertThat(invocation.records()).allSatisfy(r -> {
            assertThat(r.getEventSource()).isEqualTo("aws:sqs");
            assertThat(r.getEventSourceArn()).isEqualTo(arn);
            assertThat(r.getAwsRegion()).isEqualTo(arn.split(":")[3]);
        });
    }

    @Test
    void theContextNamesTheFunctionAndCountsDownFromItsTimeout(EmbeddedSqs sqs, TestQueue queue) {
        sqs.sendMessages(queue.url(), 1);
        List<Context> contexts = new CopyOnWriteArrayList<>();
        List<Integer> remaining = new CopyOnWriteArrayList<>();
        SqsEventSource source = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue.url())
                .functionName("ResizeFunction").functionTimeout(Duration.ofSeconds(20))
                .function((event, context) -> {
                    contexts.add(context);
                    remaining.add(context.getRemainingTimeInMillis());
                    context.getLogger().log("handled " + event.getRecords().size() + "\n");
                    remaining.add(context.getRemainingTimeInMillis());
                    assertThat(Thread.currentThread().getName()).startsWith("sqs-event-source-ResizeFunction-");
                    return ALL_SUCCEEDED;
                })
                .build();

        source.pollOnce();

        Context context = contexts.get(0);
        assertThat(context.getFunctionName()).isEqualTo("ResizeFunction");
        assertThat(context.getAwsRequestId()).hasSize(36);
        assertThat(context.getInvokedFunctionArn()).isEqualTo("arn:aws:lambda:" + sqs.queueArn(queue.url())
                .split(":")[3] + ":" + sqs.queueArn(queue.url()).split(":")[4] + ":function:ResizeFunction");
        assertThat(remaining.get(0)).isBetween(1, 20_000);
        assertThat(remaining.get(1)).isLessThanOrEqualTo(remaining.get(0));
    }

    @Test
    void anEmptyQueueInvokesNothing(EmbeddedSqs sqs, TestQueue queue) {
        AtomicInteger calls = new AtomicInteger();
        SqsEventSource source = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue.url())
                .waitTime(Duration.ZERO)
                .function((event, context) -> {
                    calls.incrementAndGet();
                    return ALL_SUCCEEDED;
                })
                .build();

        SqsEventSource.Invocation invocation = source.pollOnce();

        assertThat(invocation.invoked()).isFalse();
        assertThat(invocation.records()).isEmpty();
        assertThat(invocation.eventJson()).isNull();
        assertThat(calls.get()).isZero();
    }

    @Test
    void respectsTheBatchSize(EmbeddedSqs sqs, TestQueue queue) {
        sqs.sendMessages(queue.url(), 7);
        SqsEventSource source = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue.url())
                .batchSize(3).function((event, context) -> ALL_SUCCEEDED).build();

        List<SqsEventSource.Invocation> invocations = source.drain(Duration.ofSeconds(20));

        assertThat(invocations).allSatisfy(i -> assertThat(i.records()).hasSizeBetween(1, 3));
        assertThat(invocations).flatExtracting(SqsEventSource.Invocation::deletedMessageIds).hasSize(7);
    }

    @Test
    void drainRetriesFailuresUntilTheRedrivePolicyDeadLettersThePoison(EmbeddedSqs sqs,
            @QueueOptions(visibilityTimeout = "PT1S", deadLetterQueue = true, maxReceiveCount = 2) TestQueue queue) {
        sqs.sendAll(queue.url(), List.of("0", "poison", "2", "3"));
        SqsEventSource source = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue.url())
                .functionTimeout(Duration.ofSeconds(1))
                .function((event, context) -> new SQSBatchResponse(event.getRecords().stream()
                        .filter(r -> r.getBody().equals("poison"))
                        .map(r -> new SQSBatchResponse.BatchItemFailure(r.getMessageId())).toList()))
                .build();

        List<SqsEventSource.Invocation> invocations = source.drain(Duration.ofSeconds(30));

        assertThat(invocations).hasSizeGreaterThanOrEqualTo(2);
        assertThat(invocations).flatExtracting(SqsEventSource.Invocation::deletedMessageIds).hasSize(3);
        assertThat(sqs.takeAll(queue.deadLetterQueueUrl())).extracting(Message::body).containsExactly("poison");
    }

    @Test
    void drainFailsShowingTheCountsWhenTheQueueNeverEmpties(EmbeddedSqs sqs,
            @QueueOptions(visibilityTimeout = "PT1S") TestQueue queue) {
        sqs.sendMessages(queue.url(), 1);
        SqsEventSource source = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue.url())
                .functionTimeout(Duration.ofSeconds(1))
                .function((event, context) -> {
                    throw new IllegalStateException("always");
                })
                .build();

        assertThatThrownBy(() -> source.drain(Duration.ofSeconds(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("not drained")
                .hasMessageContaining("invocations");
    }

    @Test
    void refusesAQueueWhoseVisibilityTimeoutIsShorterThanTheFunctionTimeout(EmbeddedSqs sqs,
            @QueueOptions(visibilityTimeout = "PT5S") TestQueue queue) {
        SqsEventSource source = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue.url())
                .functionTimeout(Duration.ofSeconds(6)).function((event, context) -> ALL_SUCCEEDED).build();

        assertThatThrownBy(source::pollOnce)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("visibility timeout (PT5S)")
                .hasMessageContaining("functionTimeout (PT6S)");
    }

    private static SqsEventSource source(EmbeddedSqs sqs, TestQueue queue,
                                         RequestHandler<SQSEvent, SQSBatchResponse> function) {
        return SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue.url()).function(function).build();
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
