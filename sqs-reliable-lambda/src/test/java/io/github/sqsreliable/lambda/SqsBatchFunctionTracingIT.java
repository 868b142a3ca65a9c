package io.github.sqsreliable.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.test.lambda.SqsEventSource;
import io.github.sqsreliable.tracing.OpenTelemetryTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;

/** A traced function: each record's span is a child of the context its AWSTraceHeader attribute carries. */
@Timeout(60)
class SqsBatchFunctionTracingIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void aRecordsSpanIsAChildOfItsAwsTraceHeader() {
        // given a message sent by an X-Ray-traced producer
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(30)));
        sqs.client().sendMessage(b -> b.queueUrl(queue).messageBody("upload").messageSystemAttributes(Map.of(
                MessageSystemAttributeNameForSends.AWS_TRACE_HEADER, MessageSystemAttributeValue.builder()
                        .dataType("String")
                        .stringValue("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
                        .build()))).join();
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build()) {
            SqsBatchFunction function = SqsBatchFunction.builder().sqsClient(sqs.client()).name("resize")
                    .handler(message -> { })
                    .tracing(OpenTelemetryTracing.create(openTelemetry))
                    .build();

            // when the event source mapping invokes the function with it
            SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue).function(function)
                    .functionTimeout(Duration.ofSeconds(10)).build().drain(Duration.ofSeconds(20));

            // then
            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertThat(spans).singleElement().satisfies(span -> {
                assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
                assertThat(span.getName()).isEqualTo(queue.substring(queue.lastIndexOf('/') + 1) + " process");
                assertThat(span.getTraceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
                assertThat(span.getParentSpanId()).isEqualTo("53995c3f42cd8ad8");
                assertThat(span.getAttributes().get(AttributeKey.stringKey("sqs_reliable.outcome")))
                        .isEqualTo("acknowledged");
            });
        }
        assertThat(sqs.counts(queue).total()).isZero();
    }
}
