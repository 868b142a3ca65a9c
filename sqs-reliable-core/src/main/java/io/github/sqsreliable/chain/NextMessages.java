package io.github.sqsreliable.chain;

import io.github.sqsreliable.publish.OutgoingMessage;
import io.github.sqsreliable.retry.PermanentFailureException;

/**
 * Collects the outputs of one {@link ChainHandler} call, numbered from 0 in the order sent. Each output gets an id
 * derived from the input message's id and its number (the SHA-256, in hex, of {@code "<input message id>/<number>"}),
 * the same on every run of the step for the same input:
 *
 * <ul>
 *   <li>on a FIFO queue it is the output's deduplication id unless the output has its own, and the output's group is
 *       the input's unless the output names one (an input without a group, from a standard queue, must name it);</li>
 *   <li>on a standard queue it travels in the {@value #OUTPUT_ID_ATTRIBUTE} message attribute, which
 *       {@link io.github.sqsreliable.idempotency.IdempotencyKey#chainOutputId()} reads, so that a next stage with
 *       idempotency handles each output once even if it was sent twice.</li>
 * </ul>
 *
 * Not thread-safe: call it from the handler's thread.
 */
public interface NextMessages {

    /** The message attribute holding an output's derived id: {@value}. Counts towards SQS's 10 attributes. */
    String OUTPUT_ID_ATTRIBUTE = "sqsreliable.output-id";

    /**
     * Adds an output with only a body.
     *
     * @param queueUrl the next queue (a standard one: a FIFO one takes the input's group id)
     * @param body the body
     * @throws io.github.sqsreliable.InvalidConfigurationException if the body is empty, too large or has characters
     *     SQS refuses
     * @throws PermanentFailureException if the output breaks a rule of its queue, as for
     *     {@link #send(String, OutgoingMessage)}
     */
    void send(String queueUrl, String body);

    /**
     * Adds an output.
     *
     * @param queueUrl the next queue
     * @param message the output
     * @throws PermanentFailureException if the output breaks a rule of its queue: no group id for a FIFO queue when
     *     the input has none to inherit, a delay for a FIFO queue, or (standard queue) already 10 message attributes,
     *     leaving no room for {@value #OUTPUT_ID_ATTRIBUTE}
     * @throws IllegalStateException if called after the handler returned
     */
    void send(String queueUrl, OutgoingMessage message);
}
