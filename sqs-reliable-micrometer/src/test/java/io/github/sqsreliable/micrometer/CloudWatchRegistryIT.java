package io.github.sqsreliable.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.MockClock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * What Micrometer's CloudWatch registry (micrometer-registry-cloudwatch2 1.15.5 on micrometer-core 1.17.2) sends to
 * CloudWatch for a real consumer's meters: the PutMetricData calls of the AWS SDK, recorded by a local endpoint. These
 * names and dimensions are those that docs/metrics.md lists and that {@code SqsReliableMeters.emf()} writes too.
 */
@Timeout(90)
class CloudWatchRegistryIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void sendsEveryMeterAsCountSumAvgMaxOrValueWithItsTagsAsDimensions() throws Exception {
        String main = sqs.createQueue(QueueSpec.standard().namePrefix("orders"));
        String retry = sqs.createQueue(QueueSpec.standard().namePrefix("orders-retry"));
        String dlq = sqs.createQueue(QueueSpec.standard().namePrefix("orders-dlq"));
        String mainName = main.substring(main.lastIndexOf('/') + 1);
        String dlqName = dlq.substring(dlq.lastIndexOf('/') + 1);
        sqs.sendAll(main, ConsumerMetersIT.BODIES);
        MockClock clock = new MockClock();
        try (PutMetricDataRecorder cloudWatch = new PutMetricDataRecorder();
             CloudWatchAsyncClient client = CloudWatchAsyncClient.builder().endpointOverride(cloudWatch.endpoint())
                     .region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                     .build()) {
            // the five lines a service writes: a config, a registry, the listener
            CloudWatchConfig config = key -> key.equals("cloudwatch.namespace") ? "SqsReliable" : null;
            CloudWatchMeterRegistry registry = new CloudWatchMeterRegistry(config, clock, client);
            try (SqsConsumer consumer = SqsConsumer.builder().sqsClient(sqs.client()).queueUrl(main).name("orders")
                    .handler(ConsumerMetersIT.scenarioHandler(retry)).maxConcurrency(4)
                    .waitTime(Duration.ofSeconds(1))
                    .retry(r -> r.onSameQueue(2, Backoff.fixed(Duration.ofMillis(500)))
                            .thenQueue(retry, 1, Backoff.fixed(Duration.ofMillis(500))).thenDeadLetter(dlq))
                    .queueSampling(Duration.ofSeconds(1))
                    .listener(SqsReliableMeters.bindTo(registry))
                    .build()) {
                consumer.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().deleted() == 7
                        && registry.find("sqs.reliable.queue.visible").tag("role", "dead_letter").gauges().stream()
                        .anyMatch(g -> g.value() == 1));
                // the step ends; closing the registry publishes it (a service's registry publishes every minute)
                clock.add(config.step());
                registry.close();
            }

            assertThat(cloudWatch.actions()).isNotEmpty().allMatch("PutMetricData"::equals);
            assertThat(cloudWatch.data()).allMatch(d -> d.namespace().equals("SqsReliable")
                    && d.storageResolution().equals("60"));
            Map<String, String> orders = dims("consumer", "orders", "queue", mainName);
            assertThat(value(cloudWatch, "sqs.reliable.messages.received.count", orders)).isEqualTo(8);
            assertThat(unit(cloudWatch, "sqs.reliable.messages.received.count", orders)).isEqualTo("Count");
            assertThat(value(cloudWatch, "sqs.reliable.messages.handled.count",
                    with(orders, "outcome", "succeeded", "error.kind", "none"))).isEqualTo(4);
            assertThat(value(cloudWatch, "sqs.reliable.messages.handled.count",
                    with(orders, "outcome", "failed", "error.kind", "transient"))).isEqualTo(3);
            assertThat(value(cloudWatch, "sqs.reliable.messages.handled.count",
                    with(orders, "outcome", "failed", "error.kind", "permanent"))).isEqualTo(1);
            assertThat(value(cloudWatch, "sqs.reliable.messages.retried.count", orders)).isEqualTo(2);
            assertThat(value(cloudWatch, "sqs.reliable.messages.moved.to.retry.queue.count", orders)).isEqualTo(1);
            assertThat(value(cloudWatch, "sqs.reliable.messages.dead.lettered.count",
                    with(orders, "reason", "permanent_failure"))).isEqualTo(1);
            assertThat(value(cloudWatch, "sqs.reliable.messages.deleted.count", orders)).isEqualTo(6);
            Map<String, String> succeeded = with(orders, "outcome", "succeeded");
            assertThat(value(cloudWatch, "sqs.reliable.handler.duration.count", succeeded)).isEqualTo(4);
            assertThat(value(cloudWatch, "sqs.reliable.handler.duration.sum", succeeded)).isGreaterThanOrEqualTo(60);
            assertThat(unit(cloudWatch, "sqs.reliable.handler.duration.sum", succeeded)).isEqualTo("Milliseconds");
            // three "ok" of 20 ms and one "flaky" of about none
            assertThat(value(cloudWatch, "sqs.reliable.handler.duration.avg", succeeded)).isGreaterThanOrEqualTo(15);
            assertThat(value(cloudWatch, "sqs.reliable.handler.duration.max", succeeded)).isGreaterThanOrEqualTo(20);
            assertThat(value(cloudWatch, "sqs.reliable.handler.wait.count", orders)).isEqualTo(8);
            Map<String, String> consumerOnly = dims("consumer", "orders");
            assertThat(cloudWatch.find("sqs.reliable.handling.value", consumerOnly)).isNotEmpty();
            assertThat(cloudWatch.find("sqs.reliable.held.messages.value", consumerOnly)).isNotEmpty();
            assertThat(unit(cloudWatch, "sqs.reliable.held.bytes.value", consumerOnly)).isEqualTo("Bytes");
            assertThat(unit(cloudWatch, "sqs.reliable.queue.oldest.age.value", consumerOnly)).isEqualTo("Seconds");
            assertThat(value(cloudWatch, "sqs.reliable.backlog.per.worker.value", consumerOnly)).isZero();
            assertThat(value(cloudWatch, "sqs.reliable.queue.visible.value",
                    dims("consumer", "orders", "queue", dlqName, "role", "dead_letter"))).isEqualTo(1);
            assertThat(value(cloudWatch, "sqs.reliable.queue.in.flight.value",
                    dims("consumer", "orders", "queue", mainName, "role", "main"))).isZero();
            assertThat(value(cloudWatch, "sqs.reliable.queue.delayed.value",
                    dims("consumer", "orders", "queue", mainName, "role", "main"))).isZero();
            // every name the registry sent, for docs/metrics.md
            System.out.println("sent: " + cloudWatch.data().stream()
                    .map(d -> d.name() + " " + d.dimensions().keySet() + " " + d.unit())
                    .collect(Collectors.toCollection(java.util.TreeSet::new)));
        }
    }

    private static Map<String, String> dims(String... keysAndValues) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, String> with(Map<String, String> base, String... keysAndValues) {
        Map<String, String> map = new TreeMap<>(base);
        map.putAll(dims(keysAndValues));
        return map;
    }

    /** Counters are sent per step: what CloudWatch adds up is the sum of what was sent. */
    private static double value(PutMetricDataRecorder cloudWatch, String name, Map<String, String> dimensions) {
        var found = cloudWatch.find(name, dimensions);
        assertThat(found).as(name + " " + dimensions + " among " + cloudWatch.data()).isNotEmpty();
        if (name.endsWith(".count") || name.endsWith(".sum")) {
            return found.stream().mapToDouble(PutMetricDataRecorder.Datum::value).sum();
        }
        return found.get(found.size() - 1).value();
    }

    private static String unit(PutMetricDataRecorder cloudWatch, String name, Map<String, String> dimensions) {
        var found = cloudWatch.find(name, dimensions);
        assertThat(found).as(name + " " + dimensions).isNotEmpty();
        return found.get(0).unit();
    }
}
