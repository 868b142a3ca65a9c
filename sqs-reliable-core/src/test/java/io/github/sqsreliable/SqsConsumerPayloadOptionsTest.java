package io.github.sqsreliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.github.sqsreliable.internal.ConsumerSettings;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.payload.MalformedPayloadException;
import io.github.sqsreliable.payload.PayloadHandler;
import io.github.sqsreliable.payload.PayloadReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The consumer builder's typed handlers, payload reader and SNS option: one rule per test, and the handler the
 * settings carry reads (and unwraps) what the builder was told to.
 */
class SqsConsumerPayloadOptionsTest {

    private static final String QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";

    record Order(int id) {
    }

    /** A typed handler that also listens: registered as a listener like a plain handler that does. */
    static final class ListeningHandler implements PayloadHandler<Order>, ConsumerListener {
        final List<Order> handled = new ArrayList<>();

        @Override
        public void handle(Order payload, SqsMessage message) {
            handled.add(payload);
        }
    }

    private final SqsAsyncClient client = mock(SqsAsyncClient.class);

    private SqsConsumer.Builder base() {
        return SqsConsumer.builder().sqsClient(client).queueUrl(QUEUE_URL);
    }

    private static SqsMessage message(String body) {
        return SqsMessage.builder().queueUrl(QUEUE_URL).messageId("m-1").body(body).build();
    }

    @Test
    void aTypedHandlerReadsJsonByDefaultAndIsRegisteredAsAListener() throws Exception {
        ListeningHandler typed = new ListeningHandler();

        ConsumerSettings settings = base().handler(Order.class, typed).settings();
        settings.handler().handle(message("{\"id\":7}"));

        assertThat(typed.handled).containsExactly(new Order(7));
        assertThat(settings.listeners()).containsExactly(typed);
        assertThat(settings.batchHandler()).isNull();
    }

    @Test
    void aTypedHandlerFailsAMalformedBodyPermanentlyWithoutRunning() {
        ListeningHandler typed = new ListeningHandler();
        ConsumerSettings settings = base().handler(Order.class, typed).settings();

        assertThatThrownBy(() -> settings.handler().handle(message("{\"id\":\"seven\"}")))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("at id");
        assertThat(typed.handled).isEmpty();
    }

    @Test
    void thePayloadReaderMaySetAfterTheHandler() throws Exception {
        List<Object> read = new ArrayList<>();
        PayloadReader reader = new PayloadReader() {
            @Override
            public <T> T read(String body, Class<T> type) {
                return type.cast(new Order(body.length()));
            }
        };

        base().handler(Order.class, (order, message) -> read.add(order)).payloadReader(reader).settings()
                .handler().handle(message("12345"));

        assertThat(read).containsExactly(new Order(5));
    }

    @Test
    void aTypedBatchHandlerTakesThePlaceOfABatchHandler() {
        ConsumerSettings settings = base().batchHandler(Order.class, payloads -> BatchResult.success()).settings();

        assertThat(settings.batchHandler()).isNotNull();
        assertThat(settings.handler()).isNull();
    }

    @Test
    void withSnsEnvelopesAPlainHandlerSeesTheNotificationsMessage() throws Exception {
        List<SqsMessage> seen = new ArrayList<>();
        String envelope = "{\"Type\":\"Notification\",\"MessageId\":\"sns-1\",\"TopicArn\":\"arn:aws:sns:us-east-1:"
                + "123456789012:t\",\"Message\":\"{\\\"id\\\":3}\",\"Timestamp\":\"2024-05-01T10:15:30Z\"}";

        base().handler(seen::add).snsEnvelopes(true).settings().handler().handle(message(envelope));

        assertThat(seen).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("{\"id\":3}");
            assertThat(m.snsNotification().orElseThrow().messageId()).isEqualTo("sns-1");
        });
    }

    @Test
    void withoutSnsEnvelopesAPlainHandlerIsPassedOnAsItIs() {
        MessageHandler handler = message -> { };

        assertThat(base().handler(handler).settings().handler()).isSameAs(handler);
    }

    @Test
    void rejectsATypedHandlerWithoutAType() {
        assertRejected(base().handler(null, (order, message) -> { }), "handler", "type must not be null");
    }

    @Test
    void rejectsANullTypedHandler() {
        assertRejected(base().handler(Order.class, null), "handler", "must not be null");
    }

    @Test
    void rejectsATypedBatchHandlerWithoutAType() {
        assertRejected(base().batchHandler(null, payloads -> null), "batchHandler", "type must not be null");
    }

    @Test
    void rejectsATypedHandlerTogetherWithATypedBatchHandler() {
        assertRejected(base().handler(Order.class, (order, message) -> { })
                .batchHandler(Order.class, payloads -> null), "batchHandler", "must not be set together with handler");
    }

    @Test
    void rejectsANullPayloadReader() {
        assertRejected(base().handler(Order.class, (order, message) -> { }).payloadReader(null), "payloadReader",
                "must not be null");
    }

    @Test
    void rejectsAPayloadReaderThatNoHandlerUses() {
        assertRejected(base().handler(message -> { }).payloadReader(new PayloadReader() {
            @Override
            public <T> T read(String body, Class<T> type) {
                return null;
            }
        }), "payloadReader", "no handler reads payloads");
    }

    private static void assertRejected(SqsConsumer.Builder builder, String field, String problem) {
        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(field + " ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
    }
}
