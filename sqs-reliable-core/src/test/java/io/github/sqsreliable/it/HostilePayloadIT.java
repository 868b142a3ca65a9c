package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.payload.MalformedPayloadException;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Bodies built to hurt a JSON reader, each sent to a consumer with a typed handler: 100,000-deep nesting, a number
 * of a million digits, a string as large as the queue allows, and a type id naming a class that must never be
 * instantiated. Each is dead-lettered with its reason, within {@value #BOUND_SECONDS} s of being sent (the figures are
 * printed), and the same consumer then handles a good message.
 */
@Timeout(120)
@ExtendWith(SqsTestExtension.class)
class HostilePayloadIT {

    /** Generous: about a second each on a quiet machine; 6.7 s seen once while two other builds shared its two cores. */
    static final int BOUND_SECONDS = 10;
    /** The largest body ElasticMQ 1.7.1 and SQS accept: 1 MiB. */
    static final int QUEUE_MAXIMUM = 1_048_576;

    /** Flags apart from the gadget, so that reading them does not initialize it. */
    static final class GadgetFlags {
        static final AtomicBoolean INITIALIZED = new AtomicBoolean();
        static final AtomicBoolean CONSTRUCTED = new AtomicBoolean();
    }

    /** Must never be loaded from a message: initializing or constructing it flips a flag. */
    public static final class Gadget {
        static {
            GadgetFlags.INITIALIZED.set(true);
        }

        public Gadget() {
            GadgetFlags.CONSTRUCTED.set(true);
        }
    }

    /** A target with every door a hostile body could try. */
    record Target(String name, BigDecimal amount, Object free,
                  @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object hint) {
    }

    static final class DeadLetters implements ConsumerListener {
        final Map<String, Long> atNanos = new ConcurrentHashMap<>();
        final Map<String, Throwable> errors = new ConcurrentHashMap<>();

        final Map<String, Long> receivedNanos = new ConcurrentHashMap<>();
        final Map<String, Long> failedNanos = new ConcurrentHashMap<>();

        @Override
        public void onReceived(ConsumerEvent.MessageReceived event) {
            receivedNanos.put(event.message().messageId(), System.nanoTime());
        }

        @Override
        public void onFailed(ConsumerEvent.MessageFailed event) {
            failedNanos.put(event.message().messageId(), System.nanoTime());
        }

        @Override
        public void onDeadLettered(ConsumerEvent.DeadLettered event) {
            atNanos.put(event.message().messageId(), System.nanoTime());
            errors.put(event.message().messageId(), event.error());
        }
    }

    @Test
    void hostileBodiesAreDeadLetteredQuicklyAndTheConsumerGoesOn(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("nesting 100,000 deep", "{\"free\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        bodies.put("a number of 1,000,000 digits", "{\"amount\":1" + "0".repeat(999_999) + "}");
        String stringPrefix = "{\"name\":\"";
        // Room for the failure record, so that the dead-lettered copy carries it.
        bodies.put("a string as large as the queue allows", stringPrefix
                + "x".repeat(QUEUE_MAXIMUM - 2_048 - stringPrefix.length() - 2) + "\"}");
        bodies.put("a type id naming a class", "{\"hint\":[\"" + Gadget.class.getName() + "\",{}],"
                + "\"free\":{\"@class\":\"" + Gadget.class.getName() + "\"}}");
        List<Target> handled = new CopyOnWriteArrayList<>();
        DeadLetters deadLetters = new DeadLetters();

        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queue.url())
                .shutdownTimeout(Duration.ZERO)
                .retry(r -> r.onSameQueue(5, Backoff.fixed(Duration.ofSeconds(1)))
                        .thenDeadLetter(queue.deadLetterQueueUrl()))
                .handler(Target.class, (target, message) -> handled.add(target))
                .listener(deadLetters)
                .build()) {
            consumer.start();
            Map<String, Duration> took = new LinkedHashMap<>();
            for (Map.Entry<String, String> hostile : bodies.entrySet()) {
                long sent = System.nanoTime();
                String id = sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(queue.url())
                        .messageBody(hostile.getValue()).build()).join().messageId();
                long sentDone = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters.atNanos.containsKey(id));
                took.put(hostile.getKey(), Duration.ofNanos(deadLetters.atNanos.get(id) - sent));
                System.out.printf("HostilePayloadIT: %s (%,d characters): SendMessage returned after %d ms; "
                                + "received at %d ms, failed at %d ms, dead-lettered at %d ms after the send began%n",
                        hostile.getKey(), hostile.getValue().length(), (sentDone - sent) / 1_000_000,
                        (deadLetters.receivedNanos.get(id) - sent) / 1_000_000,
                        (deadLetters.failedNanos.get(id) - sent) / 1_000_000,
                        (deadLetters.atNanos.get(id) - sent) / 1_000_000);
                assertThat(deadLetters.errors.get(id)).as(hostile.getKey())
                        .isInstanceOf(MalformedPayloadException.class);
            }
            sqs.sendAll(queue.url(), List.of("{\"name\":\"good\",\"amount\":1.5}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);

            assertThat(took).allSatisfy((what, time) -> assertThat(time).as(what)
                    .isLessThan(Duration.ofSeconds(BOUND_SECONDS)));
        }

        assertThat(handled).containsExactly(new Target("good", new BigDecimal("1.5"), null, null));
        assertThat(GadgetFlags.INITIALIZED).isFalse();
        assertThat(GadgetFlags.CONSTRUCTED).isFalse();
        // Where a limit stopped the parser, not where the value began: the column is the parser's read position.
        assertThat(sqs.readAll(queue.deadLetterQueueUrl()))
                .extracting(message -> FailureRecord.of(message.messageAttributes()).orElseThrow().errorMessage()
                        .replace(Target.class.getName(), "Target").replaceAll("column \\d+", "column N"))
                .containsExactlyInAnyOrder(
                        "malformed payload for Target: nesting deeper than the limit of 200 (maxNestingDepth) at free "
                                + "(line 1, column N)",
                        "malformed payload for Target: a string (or number) longer than the limit of 262144 "
                                + "characters (maxStringLength) (line 1, column N)",
                        "malformed payload for Target: a string (or number) longer than the limit of 262144 "
                                + "characters (maxStringLength) at name (line 1, column N)",
                        "malformed payload for Target: a type id that is unknown or refused (a type id naming a class "
                                + "is never accepted) at hint (line 1, column N)");
    }
}
