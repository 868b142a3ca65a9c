package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.BatchResult;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.internal.trace.XrayTraceHeader;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.tools.DeadLetterRedrive;
import io.github.sqsreliable.tools.RedriveRequest;
import io.github.sqsreliable.tools.RedriveResult;
import io.github.sqsreliable.tracing.OpenTelemetryTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;

/**
 * OpenTelemetry tracing against the embedded ElasticMQ, which stores and returns the {@code AWSTraceHeader} system
 * attribute as SQS does ({@link ElasticMqTraceHeaderIT}); spans go to the SDK's in-memory exporter. One trace runs
 * from the producer through every hop the library makes: the retry queue, the dead-letter queue and a redrive.
 */
@Timeout(60)
class TracingIT {

    private static final Backoff ONE_SECOND = Backoff.fixed(Duration.ofSeconds(1));
    private static final String XRAY_TRACE_ID = "5759e988bd862e3fe1be46a994272793";
    private static final String XRAY_PARENT = "53995c3f42cd8ad8";
    private static final String XRAY_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
    private final Tracer tracer = openTelemetry.getTracer("test");

    @AfterEach
    void closeSdk() {
        openTelemetry.close();
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static Map<MessageSystemAttributeNameForSends, MessageSystemAttributeValue> xray(String header) {
        return Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                MessageSystemAttributeValue.builder().dataType("String").stringValue(header).build());
    }

    /** Sends a message the way an instrumented producer does: inside a PRODUCER span, with a traceparent. */
    private SpanContext sendTraced(String queueUrl, String body) {
        Span producer = tracer.spanBuilder(queueUrl.substring(queueUrl.lastIndexOf('/') + 1) + " send")
                .setSpanKind(SpanKind.PRODUCER).startSpan();
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(producer), attributes,
                (carrier, key, value) -> carrier.put(key, text(value)));
        sqs.client().sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageAttributes(attributes)).join();
        producer.end();
        return producer.getSpanContext();
    }

    private List<SpanData> processSpans(int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> processSpansNow().size() >= count);
        return processSpansNow();
    }

    private List<SpanData> processSpansNow() {
        return exporter.getFinishedSpanItems().stream().filter(span -> span.getName().endsWith(" process")).toList();
    }

    private List<SpanData> spansNamed(String name) {
        return exporter.getFinishedSpanItems().stream().filter(span -> span.getName().equals(name)).toList();
    }

    private static String queueName(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    private static String traceparentOf(SpanData span) {
        // The flags are the SDK's: sampled, and (W3C level 2) a random trace id.
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
    }

    private static String xrayOf(SpanData span) {
        return new XrayTraceHeader(span.getTraceId(), span.getSpanId(), true).format();
    }

    @Test
    void oneTraceLeadsFromTheProducerThroughTheRetryQueueAndTheDeadLetterQueueToTheRedrive() {
        // given a message sent with a traceparent, and a policy of one attempt here, one on a retry queue, then the DLQ
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String retryQueue = sqs.createQueue(QueueSpec.standard().namePrefix("retry"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().namePrefix("upload"));
        SpanContext producer = sendTraced(queueUrl, "photo-1");

        // when the handler always fails, starting a span of its own each time
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(1, ONE_SECOND).thenQueue(retryQueue, 1, ONE_SECOND)
                        .thenDeadLetter(deadLetterQueue))
                .tracing(OpenTelemetryTracing.create(openTelemetry))
                .handler(message -> {
                    tracer.spanBuilder("resize").startSpan().end();
                    throw new UncheckedIOException(new IOException("storage unreachable"));
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deadLettered() == 1);
        }

        // then the consumer spans form a chain under the producer's trace: producer → main queue → retry queue
        List<SpanData> spans = processSpans(2);
        assertThat(spans).hasSize(2);
        SpanData first = spans.stream().filter(s -> s.getName().equals(queueName(queueUrl) + " process")).findFirst()
                .orElseThrow();
        SpanData second = spans.stream().filter(s -> s.getName().equals(queueName(retryQueue) + " process"))
                .findFirst().orElseThrow();
        assertThat(first.getTraceId()).isEqualTo(producer.getTraceId());
        assertThat(first.getParentSpanId()).isEqualTo(producer.getSpanId());
        assertThat(second.getTraceId()).isEqualTo(producer.getTraceId());
        assertThat(second.getParentSpanId()).isEqualTo(first.getSpanId());
        assertThat(first.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(first.getAttributes().asMap()).containsAllEntriesOf(Map.of(
                AttributeKey.stringKey("messaging.system"), "aws_sqs",
                AttributeKey.stringKey("messaging.operation.type"), "process",
                AttributeKey.stringKey("messaging.operation.name"), "process",
                AttributeKey.stringKey("messaging.destination.name"), queueName(queueUrl),
                AttributeKey.longKey("sqs_reliable.receive_count"), 1L,
                AttributeKey.stringKey("sqs_reliable.outcome"), "moved_to_retry_queue",
                AttributeKey.stringKey("error.type"), UncheckedIOException.class.getName()));
        assertThat(first.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isNotBlank();
        assertThat(second.getAttributes().get(AttributeKey.stringKey("sqs_reliable.outcome")))
                .isEqualTo("dead_lettered");
        assertThat(List.of(first, second)).allSatisfy(span -> {
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(span.getEvents()).anySatisfy(event -> assertThat(event.getName()).isEqualTo("exception"));
        });
        // and the handler's own spans nest under the consumer span that was current on its thread
        assertThat(spansNamed("resize")).extracting(SpanData::getParentSpanId)
                .containsExactlyInAnyOrder(first.getSpanId(), second.getSpanId());

        // and the dead-lettered copy leads back to the span that dead-lettered it, by both carriers
        Message deadLetter = sqs.readAll(deadLetterQueue).get(0);
        assertThat(deadLetter.messageAttributes().get("traceparent").stringValue()).isEqualTo(traceparentOf(second));
        assertThat(deadLetter.attributes().get(MessageSystemAttributeName.AWS_TRACE_HEADER)).isEqualTo(xrayOf(second));

        // and a redrive sends it back with the context it arrived with
        RedriveResult redriven = DeadLetterRedrive.builder().sqsClient(sqs.client()).deadLetterQueueUrl(deadLetterQueue)
                .build().redrive(RedriveRequest.builder().build());
        assertThat(redriven.moved()).isEqualTo(1);
        Message back = sqs.readAll(queueUrl).get(0);
        assertThat(back.messageAttributes().get("traceparent").stringValue()).isEqualTo(traceparentOf(second));
        assertThat(back.attributes().get(MessageSystemAttributeName.AWS_TRACE_HEADER)).isEqualTo(xrayOf(second));

        // and handling it again continues the same trace, as a child of the span that dead-lettered it
        exporter.reset();
        try (SqsConsumer consumer = SqsConsumer.builder().sqsClient(sqs.client()).queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1)).tracing(OpenTelemetryTracing.create(openTelemetry))
                .handler(message -> { })
                .build()) {
            consumer.start();
            SpanData third = processSpans(1).get(0);
            assertThat(third.getTraceId()).isEqualTo(producer.getTraceId());
            assertThat(third.getParentSpanId()).isEqualTo(second.getSpanId());
            assertThat(third.getAttributes().get(AttributeKey.stringKey("sqs_reliable.outcome")))
                    .isEqualTo("acknowledged");
            assertThat(third.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        }
    }

    @Test
    void aMessageWithTenAttributesIsTracedThroughTheDeadLetterQueueAndARedriveByTheXrayHeaderAlone() {
        // given a message from an X-Ray-traced producer (AWSTraceHeader only) that already has 10 message attributes
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        Map<String, MessageAttributeValue> ten = new HashMap<>();
        IntStream.range(0, 10).forEach(i -> ten.put("attribute" + i, text("value" + i)));
        sqs.client().sendMessage(b -> b.queueUrl(queueUrl).messageBody("full").messageAttributes(ten)
                .messageSystemAttributes(xray(XRAY_HEADER))).join();

        // when it fails permanently
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter(deadLetterQueue))
                .tracing(OpenTelemetryTracing.create(openTelemetry))
                .handler(message -> {
                    throw new PermanentFailureException("unreadable");
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deadLettered() == 1);
        }

        // then its span is a child of the X-Ray header's parent
        SpanData span = processSpans(1).get(0);
        assertThat(span.getTraceId()).isEqualTo(XRAY_TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(XRAY_PARENT);
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        // and the copy has no room for a traceparent: its 10 attributes are the original ones, and AWSTraceHeader
        // (not counted among them) carries the context
        Message deadLetter = sqs.readAll(deadLetterQueue).get(0);
        assertThat(deadLetter.messageAttributes()).isEqualTo(ten);
        assertThat(deadLetter.attributes().get(MessageSystemAttributeName.AWS_TRACE_HEADER)).isEqualTo(xrayOf(span));

        // and a redrive keeps it
        DeadLetterRedrive.builder().sqsClient(sqs.client()).deadLetterQueueUrl(deadLetterQueue).build()
                .redrive(RedriveRequest.builder().targetQueueUrl(queueUrl).build());
        Message back = sqs.readAll(queueUrl).get(0);
        assertThat(back.attributes().get(MessageSystemAttributeName.AWS_TRACE_HEADER)).isEqualTo(xrayOf(span));
    }

    @Test
    void malformedTraceContextsAreIgnoredAndTheMessageIsHandled() {
        // given a message whose traceparent and AWSTraceHeader are both malformed
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        sqs.client().sendMessage(b -> b.queueUrl(queueUrl).messageBody("odd")
                .messageAttributes(Map.of("traceparent", text("00-not-a-trace-01")))
                .messageSystemAttributes(xray("Root=1-nonsense;Parent=xyz"))).join();

        // when it is consumed with tracing on
        try (SqsConsumer consumer = SqsConsumer.builder().sqsClient(sqs.client()).queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1)).tracing(OpenTelemetryTracing.create(openTelemetry))
                .handler(message -> { })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.metrics().deleted() == 1);
        }

        // then it was handled, in a span of a new trace
        SpanData span = processSpans(1).get(0);
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getAttributes().get(AttributeKey.stringKey("sqs_reliable.outcome"))).isEqualTo("acknowledged");
    }

    @Test
    void aBatchHandlerCallIsOneSpanLinkedToEachMessagesContext() {
        // given three messages from three traces: two by traceparent, one by AWSTraceHeader
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        SpanContext one = sendTraced(queueUrl, "one");
        SpanContext two = sendTraced(queueUrl, "two");
        sqs.client().sendMessage(b -> b.queueUrl(queueUrl).messageBody("three").messageSystemAttributes(
                xray(XRAY_HEADER))).join();

        // when a batch handler takes them
        try (SqsConsumer consumer = SqsConsumer.builder().sqsClient(sqs.client()).queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1)).tracing(OpenTelemetryTracing.create(openTelemetry))
                .batchHandler(messages -> BatchResult.success())
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.metrics().deleted() == 3);
        }

        // then each call's span has no parent, counts its messages and links to each message's context
        List<SpanData> spans = processSpansNow();
        assertThat(spans).isNotEmpty().allSatisfy(span -> {
            assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(span.getParentSpanContext().isValid()).isFalse();
            assertThat(span.getAttributes().get(AttributeKey.longKey("messaging.batch.message_count")))
                    .isEqualTo((long) span.getLinks().size());
            assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isNull();
            assertThat(span.getAttributes().get(AttributeKey.stringKey("sqs_reliable.outcome")))
                    .isEqualTo("acknowledged");
        });
        assertThat(spans.stream().flatMap(span -> span.getLinks().stream()).map(LinkData::getSpanContext)
                .map(context -> context.getTraceId() + "/" + context.getSpanId()))
                .containsExactlyInAnyOrder(one.getTraceId() + "/" + one.getSpanId(),
                        two.getTraceId() + "/" + two.getSpanId(), XRAY_TRACE_ID + "/" + XRAY_PARENT);
    }
}
