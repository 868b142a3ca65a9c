package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.retry.PermanentFailureException;

/** Reads message bodies; a body that is not the expected JSON is a permanent failure (dead-lettered). */
public final class Messages {

    private Messages() {
    }

    /**
     * Reads a message's JSON body.
     *
     * @param message the message
     * @param type the body's type
     * @return the body
     * @throws PermanentFailureException if the body is not a {@code type}
     */
    public static <T> T read(SqsMessage message, Class<T> type) {
        try {
            return Json.read(message.body(), type);
        } catch (Json.MalformedJsonException e) {
            throw new PermanentFailureException("malformed message body: " + e.getMessage(), e);
        }
    }
}
