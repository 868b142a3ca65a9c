package io.github.sqsreliable.publish;

import java.util.Optional;

/**
 * What SQS answered for a message it stored.
 *
 * @param messageId the id SQS gave the message
 * @param sequenceNumber the FIFO sequence number, or {@code null} for a standard queue
 * @param attempts how many times the message was sent before SQS confirmed it (1 without a retry)
 */
public record PublishResult(String messageId, String sequenceNumber, int attempts) {

    /** @return the FIFO sequence number; empty for a standard queue */
    public Optional<String> fifoSequenceNumber() {
        return Optional.ofNullable(sequenceNumber);
    }
}
