package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OpenTelemetry is an optional dependency: a consumer that does not trace builds, starts, handles and closes with no
 * OpenTelemetry jar on the class path: the consumer runs {@link WithoutJars} the {@code io.opentelemetry} jars, where
 * any use of an OpenTelemetry class fails with {@link NoClassDefFoundError}, as the second test shows.
 */
@Timeout(60)
class TracingOffIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    /** Runs in the isolated class loader; takes "mode endpoint queueUrl", answers what happened. */
    public static final class Isolated implements Function<String, String> {

        @Override
        public String apply(String arguments) {
            String[] parts = arguments.split(" ");
            try {
                if (parts[0].equals("opentelemetry")) {
                    return "created " + io.github.sqsreliable.tracing.OpenTelemetryTracing.global();
                }
                try (software.amazon.awssdk.services.sqs.SqsAsyncClient client =
                             io.github.sqsreliable.test.internal.LocalClients.configure(
                                     software.amazon.awssdk.services.sqs.SqsAsyncClient.builder(),
                                     java.net.URI.create(parts[1]), null).build();
                     io.github.sqsreliable.SqsConsumer consumer = io.github.sqsreliable.SqsConsumer.builder()
                             .sqsClient(client).queueUrl(parts[2]).waitTime(java.time.Duration.ofSeconds(1))
                             .handler(message -> { }).build()) {
                    consumer.start();
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    while (consumer.metrics().deleted() < 1 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    return "deleted " + consumer.metrics().deleted();
                }
            } catch (Throwable e) {
                return "failed " + e;
            }
        }
    }

    private static String runIsolated(String arguments) throws Exception {
        return WithoutJars.run(List.of("io/opentelemetry", "opentelemetry-"), "io.opentelemetry.api.OpenTelemetry",
                Isolated.class, arguments);
    }

    @Test
    void aConsumerWithoutTracingRunsWithNoOpenTelemetryClassOnTheClassPath() throws Exception {
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        sqs.sendMessages(queueUrl, 1);

        assertThat(runIsolated("consume " + sqs.endpoint() + " " + queueUrl)).isEqualTo("deleted 1");
    }

    @Test
    void usingTheTracingPackageInThatClassLoaderFails() throws Exception {
        assertThat(runIsolated("opentelemetry")).startsWith("failed java.lang.NoClassDefFoundError: io/opentelemetry");
    }
}
