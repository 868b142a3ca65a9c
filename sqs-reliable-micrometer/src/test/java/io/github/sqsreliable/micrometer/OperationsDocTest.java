package io.github.sqsreliable.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md's alarm recipes name the library's CloudWatch metrics: each must be one the binder registers,
 * with the CloudWatch registry's suffix, and name exactly that meter's dimensions with values it produces (an alarm
 * that misses a dimension watches a metric nobody sends).
 */
class OperationsDocTest {

    private static final Path PAGE = Path.of("..", "docs", "operations.md");
    private static final Pattern METRIC = Pattern.compile("MetricName\"?\\s*:\\s*\"?(sqs\\.reliable\\.[\\w.]+)");
    private static final Pattern DIMENSION = Pattern.compile(
            "\\{\\s*\"?Name\"?\\s*:\\s*\"?([\\w.]+)\"?\\s*,\\s*\"?Value\"?\\s*:\\s*\"?([\\w.-]+)\"?\\s*}");

    /** One alarm's reference to a library metric. */
    private record Reference(String metric, Map<String, String> dimensions) {
    }

    @Test
    void everyLibraryMetricAnAlarmNamesIsSentWithExactlyTheDimensionsItLists() throws IOException {
        List<Reference> references = references(Files.readString(PAGE));
        SimpleMeterRegistry registry = registryWithEveryEvent();

        // the command and the CloudFormation form of each of the three consumer alarms
        assertThat(references).hasSizeGreaterThanOrEqualTo(2 * (3 + 3 + 2));
        for (Reference reference : references) {
            String base = reference.metric().replaceFirst("\\.(count|value|sum|avg|max)$", "");
            List<Meter> meters = List.copyOf(registry.find(base).meters());
            assertThat(meters).as("a meter named %s for %s", base, reference.metric()).isNotEmpty();
            assertThat(reference.metric()).as("CloudWatch name of %s", base)
                    .isEqualTo(base + (meters.get(0).getId().getType() == Meter.Type.COUNTER ? ".count" : ".value"));
            assertThat(meters).as("%s with dimensions %s", base, reference.dimensions()).anySatisfy(meter -> {
                Map<String, String> tags = new LinkedHashMap<>();
                for (Tag tag : meter.getId().getTags()) {
                    tags.put(tag.getKey(), tag.getValue());
                }
                assertThat(reference.dimensions()).isEqualTo(tags);
            });
        }
    }

    private static List<Reference> references(String page) {
        List<Reference> references = new ArrayList<>();
        Matcher metric = METRIC.matcher(page);
        while (metric.find()) {
            int dimensionsAt = page.indexOf("Dimensions", metric.end());
            int end = page.indexOf(']', dimensionsAt);
            Map<String, String> dimensions = new LinkedHashMap<>();
            Matcher dimension = DIMENSION.matcher(page.substring(dimensionsAt, end));
            while (dimension.find()) {
                dimensions.put(dimension.group(1), dimension.group(2));
            }
            references.add(new Reference(metric.group(1), dimensions));
        }
        return references;
    }

    /** The consumer "orders" on queue "orders", with every event an alarm counts. */
    private static SimpleMeterRegistry registryWithEveryEvent() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConsumerListener meters = SqsReliableMeters.bindTo(registry);
        meters.onConsumerStarted(new FakeConsumer("orders"));
        String queue = "http://127.0.0.1:9324/000000000000/orders";
        SqsMessage m = SqsMessage.builder().queueUrl(queue).messageId("m-1").body("{}").build();
        RuntimeException error = new IllegalStateException("boom");
        meters.onSucceeded(new ConsumerEvent.MessageSucceeded(m, Duration.ofMillis(3)));
        for (FailureKind kind : FailureKind.values()) {
            meters.onFailed(new ConsumerEvent.MessageFailed(m, error, Duration.ofMillis(3), kind));
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            meters.onDeadLettered(new ConsumerEvent.DeadLettered(m, queue + "-dlq", reason, error));
        }
        meters.onPollFailed(new ConsumerEvent.PollFailed(queue, error, 1, Duration.ofSeconds(1)));
        meters.onDeleteFailed(new ConsumerEvent.DeleteFailed(m, error));
        meters.onMoveFailed(new ConsumerEvent.MoveFailed(m, queue + "-dlq", error, Duration.ofSeconds(1)));
        return registry;
    }
}
