package io.github.sqsreliable.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sqsreliable.lambda.SqsBatchFunction;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.test.lambda.SqsEventSource;
import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.MockClock;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * An {@link SqsBatchFunction} with both listeners: {@code SqsReliableMeters.emf()}, whose Embedded Metric Format lines
 * are read back from standard output, and {@code SqsReliableMeters.bindTo} a CloudWatch registry whose PutMetricData
 * calls a local endpoint records. Both must give CloudWatch the same metrics, dimensions, units and totals.
 */
@Timeout(90)
class LambdaMetricsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    /** A metric value as CloudWatch would get it from one EMF line. */
    record EmfDatum(String namespace, String name, Map<String, String> dimensions, double value, String unit) {
    }

    @Test
    void emfLinesCarryTheSameMetricsAsTheCloudWatchRegistrySendsForAFunction() throws Exception {
        String dlq = sqs.createQueue(QueueSpec.standard().namePrefix("orders-dlq"));
        String main = sqs.createQueue(QueueSpec.standard().namePrefix("orders").visibilityTimeout(Duration.ofSeconds(60)));
        String mainName = main.substring(main.lastIndexOf('/') + 1);
        sqs.sendAll(main, List.of("ok", "ok", "ok", "flaky", "bad"));
        MockClock clock = new MockClock();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try (PutMetricDataRecorder cloudWatch = new PutMetricDataRecorder();
             CloudWatchAsyncClient client = CloudWatchAsyncClient.builder().endpointOverride(cloudWatch.endpoint())
                     .region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                     .build()) {
            CloudWatchConfig config = key -> key.equals("cloudwatch.namespace") ? "SqsReliable" : null;
            CloudWatchMeterRegistry registry = new CloudWatchMeterRegistry(config, clock, client);
            SqsBatchFunction function = SqsBatchFunction.builder().sqsClient(sqs.client()).name("orders")
                    .handler(ConsumerMetersIT.scenarioHandler("no retry queue"))
                    .retry(r -> r.onSameQueue(2, Backoff.fixed(Duration.ofMillis(500))).thenDeadLetter(dlq))
                    .listener(SqsReliableMeters.emf())
                    .listener(SqsReliableMeters.bindTo(registry))
                    .build();
            System.setOut(new PrintStream(new Tee(stdout, captured), true, StandardCharsets.UTF_8));
            List<SqsEventSource.Invocation> invocations;
            try {
                invocations = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(main).function(function)
                        .functionTimeout(Duration.ofSeconds(10)).build().drain(Duration.ofSeconds(30));
            } finally {
                System.setOut(stdout);
            }
            clock.add(config.step());
            registry.close();

            List<EmfDatum> emf = parse(captured.toString(StandardCharsets.UTF_8));
            // one set of lines per invocation: the batch of five, then the flaky message's retry
            assertThat(invocations).hasSizeGreaterThanOrEqualTo(2);
            assertThat(emf).isNotEmpty().allMatch(d -> d.namespace().equals("SqsReliable"));
            Map<String, String> orders = Map.of("consumer", "orders", "queue", mainName);
            assertThat(total(emf, "sqs.reliable.messages.received.count", orders)).isEqualTo(6);
            assertThat(total(emf, "sqs.reliable.messages.handled.count",
                    with(orders, "outcome", "succeeded", "error.kind", "none"))).isEqualTo(4);
            assertThat(total(emf, "sqs.reliable.messages.handled.count",
                    with(orders, "outcome", "failed", "error.kind", "transient"))).isEqualTo(1);
            assertThat(total(emf, "sqs.reliable.messages.handled.count",
                    with(orders, "outcome", "failed", "error.kind", "permanent"))).isEqualTo(1);
            assertThat(total(emf, "sqs.reliable.messages.retried.count", orders)).isEqualTo(1);
            assertThat(total(emf, "sqs.reliable.messages.dead.lettered.count",
                    with(orders, "reason", "permanent_failure"))).isEqualTo(1);
            assertThat(total(emf, "sqs.reliable.handler.duration.count", with(orders, "outcome", "succeeded")))
                    .isEqualTo(4);
            assertThat(total(emf, "sqs.reliable.handler.duration.sum", with(orders, "outcome", "succeeded")))
                    .isGreaterThanOrEqualTo(60);
            assertThat(emf).filteredOn(d -> d.name().equals("sqs.reliable.handler.duration.max"))
                    .isNotEmpty().allMatch(d -> d.unit().equals("Milliseconds"));
            assertThat(emf).filteredOn(d -> d.name().equals("sqs.reliable.held.bytes.value"))
                    .isNotEmpty().allMatch(d -> d.unit().equals("Bytes")
                            && d.dimensions().equals(Map.of("consumer", "orders")));

            // the same metrics as the registry path: names, dimensions, units, and the counters' totals
            Set<String> emfKeys = emf.stream().map(LambdaMetricsIT::key).collect(Collectors.toSet());
            Set<String> registryKeys = cloudWatch.data().stream()
                    .map(d -> key(new EmfDatum(d.namespace(), d.name(), d.dimensions(), d.value(), d.unit())))
                    .collect(Collectors.toSet());
            assertThat(emfKeys).isEqualTo(registryKeys);
            for (PutMetricDataRecorder.Datum sent : cloudWatch.data()) {
                if (sent.name().endsWith(".count")) {
                    assertThat(total(emf, sent.name(), sent.dimensions())).as(sent.name() + sent.dimensions())
                            .isEqualTo(sent.value());
                }
            }
        } finally {
            System.setOut(stdout);
        }
    }

    private static String key(EmfDatum datum) {
        return datum.namespace() + " " + datum.name() + " " + new TreeMap<>(datum.dimensions()) + " " + datum.unit();
    }

    private static double total(List<EmfDatum> emf, String name, Map<String, String> dimensions) {
        return emf.stream().filter(d -> d.name().equals(name) && d.dimensions().equals(dimensions))
                .mapToDouble(EmfDatum::value).sum();
    }

    private static Map<String, String> with(Map<String, String> base, String... keysAndValues) {
        Map<String, String> map = new HashMap<>(base);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** Reads EMF lines as CloudWatch Logs does: the _aws directive names the metrics and dimension sets. */
    static List<EmfDatum> parse(String output) throws Exception {
        List<EmfDatum> data = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.startsWith("{") || !line.contains("\"_aws\"")) {
                continue;
            }
            JsonNode root = JSON.readTree(line);
            for (JsonNode directive : root.get("_aws").get("CloudWatchMetrics")) {
                String namespace = directive.get("Namespace").asText();
                for (JsonNode dimensionSet : directive.get("Dimensions")) {
                    Map<String, String> dimensions = new HashMap<>();
                    for (JsonNode dimension : dimensionSet) {
                        dimensions.put(dimension.asText(), root.get(dimension.asText()).asText());
                    }
                    for (JsonNode metric : directive.get("Metrics")) {
                        String name = metric.get("Name").asText();
                        JsonNode value = root.get(name);
                        Iterator<JsonNode> values = value.isArray() ? value.elements() : List.of(value).iterator();
                        while (values.hasNext()) {
                            data.add(new EmfDatum(namespace, name, dimensions, values.next().asDouble(),
                                    metric.path("Unit").asText("None")));
                        }
                    }
                }
            }
        }
        return data;
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
