package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * jackson-databind is an optional dependency: without it on the class path, a consumer with a plain handler, or with
 * a typed handler and a reader of its own, runs; asking for JSON payloads or SNS envelopes fails at {@code build()}
 * naming the field and saying what to add, not at the first message. Runs {@link WithoutJars} the Jackson jars.
 * The AWS SDK keeps working there: it carries its own shaded JSON parser.
 */
@Timeout(60)
class JacksonOffIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    /** Runs in the isolated class loader; takes "mode endpoint queueUrl", answers what happened. */
    public static final class Isolated implements Function<String, String> {

        /** Reads digits, without Jackson. */
        public static final class DigitsReader implements io.github.sqsreliable.payload.PayloadReader {
            @Override
            public <T> T read(String body, Class<T> type) {
                return type.cast(Integer.valueOf(body.trim().isEmpty() ? "0" : String.valueOf(body.length())));
            }
        }

        /** Never called: the builder only keeps it. */
        private static software.amazon.awssdk.services.sqs.SqsAsyncClient client() {
            return (software.amazon.awssdk.services.sqs.SqsAsyncClient) java.lang.reflect.Proxy.newProxyInstance(
                    Isolated.class.getClassLoader(),
                    new Class<?>[] {software.amazon.awssdk.services.sqs.SqsAsyncClient.class},
                    (proxy, method, args) -> {
                        throw new UnsupportedOperationException(method.getName());
                    });
        }

        @Override
        public String apply(String arguments) {
            String[] parts = arguments.split(" ");
            try {
                switch (parts[0]) {
                    case "snsMessageId":
                        return "created " + io.github.sqsreliable.idempotency.IdempotencyKey.snsMessageId();
                    case "typed":
                        io.github.sqsreliable.SqsConsumer.builder().sqsClient(client()).queueUrl("http://x/1/q")
                                .handler(Integer.class, (value, message) -> { }).build();
                        return "built";
                    case "sns":
                        io.github.sqsreliable.SqsConsumer.builder().sqsClient(client()).queueUrl("http://x/1/q")
                                .handler(message -> { }).snsEnvelopes(true).build();
                        return "built";
                    default:
                        break;
                }
                java.util.List<Object> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
                io.github.sqsreliable.SqsConsumer.Builder builder = io.github.sqsreliable.SqsConsumer.builder()
                        .queueUrl(parts[2]).waitTime(java.time.Duration.ofSeconds(1));
                if (parts[0].equals("ownReader")) {
                    builder.handler(Integer.class, (value, message) -> handled.add(value))
                            .payloadReader(new DigitsReader());
                } else {
                    builder.handler(message -> handled.add(message.body()));
                }
                try (software.amazon.awssdk.services.sqs.SqsAsyncClient client =
                             io.github.sqsreliable.test.internal.LocalClients.configure(
                                     software.amazon.awssdk.services.sqs.SqsAsyncClient.builder(),
                                     java.net.URI.create(parts[1]), null).build();
                     io.github.sqsreliable.SqsConsumer consumer = builder.sqsClient(client).build()) {
                    consumer.start();
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    while (consumer.metrics().deleted() < 1 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    return "deleted " + consumer.metrics().deleted() + ", handled " + handled;
                }
            } catch (Throwable e) {
                return "failed " + e;
            }
        }
    }

    private static String runIsolated(String arguments) throws Exception {
        // Jackson's own jars only: the SDK shades a copy of jackson-core under its own package, which stays.
        return WithoutJars.run(List.of("com/fasterxml/jackson"), "com.fasterxml.jackson.databind.ObjectMapper",
                Isolated.class, arguments);
    }

    @Test
    void aConsumerWithAPlainHandlerRunsWithoutJackson() throws Exception {
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        sqs.sendAll(queueUrl, List.of("{\"id\":1}"));

        assertThat(runIsolated("plain " + sqs.endpoint() + " " + queueUrl)).isEqualTo("deleted 1, handled [{\"id\":1}]");
    }

    @Test
    void aTypedHandlerWithItsOwnReaderRunsWithoutJackson() throws Exception {
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        sqs.sendAll(queueUrl, List.of("12345"));

        assertThat(runIsolated("ownReader " + sqs.endpoint() + " " + queueUrl)).isEqualTo("deleted 1, handled [5]");
    }

    @Test
    void aTypedHandlerWithTheDefaultReaderFailsAtBuildNamingPayloadReader() throws Exception {
        assertThat(runIsolated("typed")).startsWith("failed io.github.sqsreliable.InvalidConfigurationException: "
                + "payloadReader must be set: typed handlers read JSON with jackson-databind by default, which is not "
                + "on the class path; add com.fasterxml.jackson.core:jackson-databind (2.x) to the class path");
    }

    @Test
    void snsEnvelopesFailAtBuildNamingTheField() throws Exception {
        assertThat(runIsolated("sns")).startsWith("failed io.github.sqsreliable.InvalidConfigurationException: "
                + "snsEnvelopes needs jackson-databind");
    }

    @Test
    void snsMessageIdFailsWhenAsked() throws Exception {
        assertThat(runIsolated("snsMessageId")).startsWith("failed java.lang.IllegalStateException: "
                + "IdempotencyKey.snsMessageId() reads SNS envelopes with jackson-databind");
    }
}
