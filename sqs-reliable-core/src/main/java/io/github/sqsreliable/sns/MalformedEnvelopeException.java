package io.github.sqsreliable.sns;

import io.github.sqsreliable.payload.MalformedPayloadException;

/**
 * A body that looks like an SNS envelope (a JSON object with {@code Type} and {@code TopicArn}) but is broken: a
 * required field missing or of the wrong JSON type, an unknown {@code Type}, a bad {@code Timestamp}, a message
 * attribute of an unknown type or with bad base64. A permanent failure, dead-lettered at once; the dead-lettered copy
 * keeps the envelope as it came. The reason names the field, never its value.
 */
public class MalformedEnvelopeException extends MalformedPayloadException {

    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong with the envelope, without any text of the body */
    public MalformedEnvelopeException(String reason) {
        super(reason);
    }
}
