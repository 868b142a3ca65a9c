package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jackson is an optional dependency: a consumer of String bodies builds, starts, handles and closes with no
 * {@code com.fasterxml.jackson} jar on the class path ({@link WithoutJars}). The AWS SDK keeps working: it
 * carries its own shaded JSON parser.
 */
@Timeout(60)
class JacksonOffIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    /** Runs in the isolated class loader; takes "endpoint queueUrl", answers what happened. */
    public static final class Isolated implements Function<String, String> {

        @Override
        public String apply(String arguments) {
            String[] parts = arguments.split(" ");
            try (software.amazon.awssdk.services.sqs.SqsAsyncClient client =
                         io.github.sqsreliable.test.internal.LocalClients.configure(
                                 software.amazon.awssdk.services.sqs.SqsAsyncClient.builder(),
                                 java.net.URI.create(parts[0]), null).build();
                 io.github.sqsreliable.SqsConsumer consumer = io.github.sqsreliable.SqsConsumer.builder()
                         .sqsClient(client).queueUrl(parts[1]).waitTime(java.time.Duration.ofSeconds(1))
                         .handler(message -> { }).build()) {
                consumer.start();
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (consumer.metrics().deleted() < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                return "deleted " + consumer.metrics().deleted();
            } catch (Throwable e) {
                return "failed " + e;
            }
        }
    }

    @Test
    void aConsumerOfStringBodiesRunsWithNoJacksonClassOnTheClassPath() throws Exception {
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        sqs.sendMessages(queueUrl, 1);

        assertThat(WithoutJars.run(List.of("com/fasterxml/jackson"), "com.fasterxml.jackson.databind.ObjectMapper",
                Isolated.class, sqs.endpoint() + " " + queueUrl)).isEqualTo("deleted 1");
    }
}
