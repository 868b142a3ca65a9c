package io.github.sqsreliable.idempotency;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.payload.JacksonPresence;
import io.github.sqsreliable.internal.sns.SnsEnvelopes;

/**
 * Derives the idempotency key of a message. The consumer namespaces and hashes it (SHA-256) before it reaches a
 * store, so message data never shapes backend keys.
 *
 * <ul>
 *   <li>{@link #messageId()} (the default) catches redeliveries of the same message.</li>
 *   <li>A business key, e.g. {@code message -> Orders.parse(message.body()).orderId()}, also catches the same
 *       order sent twice by a producer.</li>
 * </ul>
 *
 * A key function that throws, or returns null or an empty key, marks the message as malformed: it is failed
 * permanently (dead-lettered, with the reason) without running the handler. Must be thread-safe.
 */
@FunctionalInterface
public interface IdempotencyKey {

    /**
     * @param message the received message
     * @return its key; not null or empty
     * @throws Exception if the message is malformed
     */
    String keyOf(SqsMessage message) throws Exception;

    /** @return the message id as the key */
    static IdempotencyKey messageId() {
        return SqsMessage::messageId;
    }

    /**
     * The SNS message id of a message whose body is an SNS notification envelope, the SQS message id otherwise. SNS
     * delivers at least once, so one publish can reach a queue as two SQS messages, each with its own SQS message id
     * but the same SNS one: this key catches that duplicate too. It reads the envelope itself, so it works whether or
     * not the consumer's {@code snsEnvelopes} is on; a body that looks like an envelope but is broken makes the message
     * malformed, as any key function that throws does.
     *
     * @return the key function
     * @throws IllegalStateException if jackson-databind, which reads the envelope, is not on the class path
     */
    static IdempotencyKey snsMessageId() {
        if (!JacksonPresence.present()) {
            throw new IllegalStateException("IdempotencyKey.snsMessageId() reads SNS envelopes with jackson-databind, "
                    + "which is not on the class path; " + JacksonPresence.ADD_JACKSON);
        }
        return SnsEnvelopes::snsMessageIdOrMessageId;
    }

    /**
     * For the stage after a chain step on a standard queue: the output id the step derived from its input
     * ({@link io.github.sqsreliable.chain.NextMessages#OUTPUT_ID_ATTRIBUTE}), the same when a step run twice sent
     * the output twice; the message id for a message that has none.
     *
     * @return the chain output id as the key, else the message id
     */
    static IdempotencyKey chainOutputId() {
        return message -> {
            software.amazon.awssdk.services.sqs.model.MessageAttributeValue outputId =
                    message.messageAttributes().get(io.github.sqsreliable.chain.NextMessages.OUTPUT_ID_ATTRIBUTE);
            return outputId != null && outputId.stringValue() != null && !outputId.stringValue().isEmpty()
                    ? outputId.stringValue() : message.messageId();
        };
    }
}
