package io.github.sqsreliable.internal.settle;

import io.github.sqsreliable.SqsReliableException;

/**
 * A moved copy would exceed its target queue's MaximumMessageSize even without its failure record: its body and
 * message attributes alone are too large for that queue (whose limit is lower than the source queue's).
 */
public final class CopyTooLargeException extends SqsReliableException {

    private static final long serialVersionUID = 1L;

    CopyTooLargeException(String messageId, String queueUrl, long size, long limit) {
        super("message " + messageId + " is " + size + " bytes (body and message attributes, without a failure "
                + "record), more than the MaximumMessageSize of " + queueUrl + " (" + limit + " bytes)");
    }
}
