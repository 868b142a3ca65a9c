package io.github.sqsreliable.sns;

import io.github.sqsreliable.retry.PermanentFailureException;
import java.util.Objects;

/**
 * The queue received an SNS {@code SubscriptionConfirmation} or {@code UnsubscribeConfirmation} instead of a
 * notification: SNS sends these to a queue subscribed to a topic of another account. The consumer never confirms a
 * subscription itself, as a message could then subscribe the queue to any topic; it fails the message permanently, so
 * that it lands in the dead-letter queue, where its body holds the {@code SubscribeURL} and {@code Token} to confirm
 * with ({@code aws sns confirm-subscription --topic-arn ... --token ...}, or by visiting the URL).
 */
public class SubscriptionConfirmationException extends PermanentFailureException {

    private static final long serialVersionUID = 1L;

    /** The envelope's {@code Type}: {@code SubscriptionConfirmation} or {@code UnsubscribeConfirmation}. */
    private final String messageType;

    /**
     * @param messageType {@code SubscriptionConfirmation} or {@code UnsubscribeConfirmation}
     * @param reason what happened and what to do
     */
    public SubscriptionConfirmationException(String messageType, String reason) {
        super(reason);
        this.messageType = Objects.requireNonNull(messageType, "messageType must not be null");
    }

    /** @return {@code SubscriptionConfirmation} or {@code UnsubscribeConfirmation} */
    public String messageType() {
        return messageType;
    }
}
