package io.github.sqsreliable.internal.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.BatchHandler;
import io.github.sqsreliable.BatchResult;
import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.payload.MalformedPayloadException;
import io.github.sqsreliable.payload.Payload;
import io.github.sqsreliable.payload.PayloadReader;
import io.github.sqsreliable.retry.RetryLaterException;
import io.github.sqsreliable.sns.MalformedEnvelopeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How typed and SNS-unwrapping handlers are bound: what happens without jackson-databind, and how a batch with
 * unreadable messages is split on standard and FIFO queues.
 */
class PayloadHandlersTest {

    private static final String STANDARD = "http://127.0.0.1:9324/000000000000/orders";
    private static final String FIFO = "http://127.0.0.1:9324/000000000000/orders.fifo";

    record Order(int id) {
    }

    /** Reads digits only, so a test controls which bodies are malformed without JSON. */
    private static final PayloadReader DIGITS = new PayloadReader() {
        @Override
        public <T> T read(String body, Class<T> type) {
            if (!body.chars().allMatch(Character::isDigit) || body.isEmpty()) {
                throw new MalformedPayloadException("not digits");
            }
            return type.cast(new Order(Integer.parseInt(body)));
        }
    };

    private static SqsMessage message(String queue, String id, String body) {
        return SqsMessage.builder().queueUrl(queue).messageId(id).body(body).build();
    }

    private static List<SqsMessage> batch(String queue, String... bodies) {
        List<SqsMessage> messages = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            messages.add(message(queue, "m" + i, bodies[i]));
        }
        return messages;
    }

    @Test
    void withoutJacksonATypedHandlerNeedsAReaderOfItsOwn() {
        MessageHandler typed = PayloadHandlers.typed(Order.class, (order, message) -> { });

        assertThatThrownBy(() -> PayloadHandlers.resolve(typed, null, null, false, false, false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("payloadReader must be set")
                .hasMessageContaining("add com.fasterxml.jackson.core:jackson-databind");
        assertThat(PayloadHandlers.resolve(typed, null, DIGITS, true, false, false).handler()).isNotNull();
    }

    @Test
    void withoutJacksonSnsEnvelopesCannotBeRead() {
        assertThatThrownBy(() -> PayloadHandlers.resolve(message -> { }, null, null, false, true, false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("snsEnvelopes needs jackson-databind")
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo("snsEnvelopes"));
    }

    @Test
    void withoutJacksonAPlainHandlerNeedsNothing() {
        MessageHandler plain = message -> { };

        assertThat(PayloadHandlers.resolve(plain, null, null, false, false, false).handler()).isSameAs(plain);
    }

    @Test
    void theUsersObjectIsWhatMayBeRegisteredAsAListener() {
        io.github.sqsreliable.payload.PayloadBatchHandler<Order> user = payloads -> BatchResult.success();

        assertThat(PayloadHandlers.resolve(null, PayloadHandlers.typedBatch(Order.class, user), DIGITS, true, false)
                .userHandler()).isSameAs(user);
    }

    @Test
    void aStandardBatchHandsTheReadableMessagesOnAndFailsTheOthersOnTheirOwn() throws Exception {
        List<List<Payload<Order>>> calls = new ArrayList<>();
        BatchHandler bound = PayloadHandlers.resolve(null, PayloadHandlers.typedBatch(Order.class, payloads -> {
            calls.add(payloads);
            return BatchResult.builder().failed(payloads.get(1).message(), new IllegalStateException("down")).build();
        }), DIGITS, true, false).batchHandler();

        Map<String, Throwable> failures = bound.handle(batch(STANDARD, "1", "x", "3", "4")).failuresByMessageId();

        assertThat(calls).singleElement().satisfies(payloads -> assertThat(payloads)
                .extracting(Payload::value).containsExactly(new Order(1), new Order(3), new Order(4)));
        assertThat(failures).containsOnlyKeys("m1", "m2");
        assertThat(failures.get("m1")).isInstanceOf(MalformedPayloadException.class);
        assertThat(failures.get("m2")).hasMessage("down");
    }

    @Test
    void aHandlerThatThrowsFailsWhatItWasGivenWhileTheUnreadableKeepTheirReasons() throws Exception {
        BatchHandler bound = PayloadHandlers.resolve(null, PayloadHandlers.typedBatch(Order.class, payloads -> {
            throw new IllegalStateException("down");
        }), DIGITS, true, false).batchHandler();

        Map<String, Throwable> failures = bound.handle(batch(STANDARD, "1", "x", "3")).failuresByMessageId();

        assertThat(failures.get("m0")).hasMessage("down");
        assertThat(failures.get("m1")).isInstanceOf(MalformedPayloadException.class);
        assertThat(failures.get("m2")).hasMessage("down");
    }

    @Test
    void aBatchWithNothingReadableNeverCallsTheHandler() throws Exception {
        BatchHandler bound = PayloadHandlers.resolve(null, PayloadHandlers.typedBatch(Order.class, payloads -> {
            throw new AssertionError("called with " + payloads);
        }), DIGITS, true, false).batchHandler();

        assertThat(bound.handle(batch(STANDARD, "x", "y")).failuresByMessageId()).containsOnlyKeys("m0", "m1");
    }

    @Test
    void aReadableBatchBehavesAsAPlainBatchHandlerThrowingIncluded() {
        BatchHandler bound = PayloadHandlers.resolve(null, PayloadHandlers.typedBatch(Order.class, payloads -> {
            throw new IllegalStateException("down");
        }), DIGITS, true, false).batchHandler();

        assertThatThrownBy(() -> bound.handle(batch(STANDARD, "1", "2"))).hasMessage("down");
    }

    @Test
    void aFifoBatchStopsAtItsFirstUnreadableMessageAndHandsTheRestBack() throws Exception {
        List<List<Payload<Order>>> calls = new ArrayList<>();
        BatchHandler bound = PayloadHandlers.resolve(null, PayloadHandlers.typedBatch(Order.class, payloads -> {
            calls.add(payloads);
            return BatchResult.success();
        }), DIGITS, true, false).batchHandler();

        Map<String, Throwable> failures = bound.handle(batch(FIFO, "1", "x", "3", "4")).failuresByMessageId();

        assertThat(calls).singleElement().satisfies(payloads -> assertThat(payloads)
                .extracting(Payload::value).containsExactly(new Order(1)));
        assertThat(failures).containsOnlyKeys("m1", "m2", "m3");
        assertThat(failures.get("m1")).isInstanceOf(MalformedPayloadException.class);
        assertThat(failures.get("m2")).isInstanceOfSatisfying(RetryLaterException.class,
                e -> assertThat(e.delay()).isEqualTo(Duration.ZERO));
        assertThat(failures.get("m3")).isInstanceOf(RetryLaterException.class);
    }

    @Test
    void withSnsEnvelopesAPlainBatchHandlerSeesUnwrappedMessagesAndABrokenEnvelopeFailsAlone() throws Exception {
        String envelope = "{\"Type\":\"Notification\",\"MessageId\":\"sns-1\",\"TopicArn\":\"arn:aws:sns:us-east-1:"
                + "123456789012:t\",\"Message\":\"inner\",\"Timestamp\":\"2024-05-01T10:15:30Z\"}";
        List<String> bodies = new ArrayList<>();
        BatchHandler bound = PayloadHandlers.resolve(null, messages -> {
            messages.forEach(m -> bodies.add(m.body()));
            return BatchResult.success();
        }, null, false, true).batchHandler();

        Map<String, Throwable> failures = bound.handle(batch(STANDARD, envelope, "raw",
                envelope.replace("\"MessageId\"", "\"Other\""))).failuresByMessageId();

        assertThat(bodies).containsExactly("inner", "raw");
        assertThat(failures).containsOnlyKeys("m2");
        assertThat(failures.get("m2")).isInstanceOf(MalformedEnvelopeException.class);
    }

    @Test
    void aReaderThatReturnsNullMakesTheMessageMalformed() {
        PayloadReader nothing = new PayloadReader() {
            @Override
            public <T> T read(String body, Class<T> type) {
                return null;
            }
        };
        MessageHandler bound = PayloadHandlers.resolve(PayloadHandlers.typed(Order.class, (order, message) -> { }),
                null, nothing, true, false).handler();

        assertThatThrownBy(() -> bound.handle(message(STANDARD, "m", "1")))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageEndingWith("the payload reader returned no value");
    }
}
