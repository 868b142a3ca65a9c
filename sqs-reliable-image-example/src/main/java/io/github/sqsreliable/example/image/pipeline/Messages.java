package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.retry.PermanentFailureException;

/** Reads message bodies; a body that is not the expected JSON is a permanent failure (dead-lettered). */
final class Messages {

    private Messages() {
    }

    static <T> T read(SqsMessage message, Class<T> type) {
        try {
            return Json.read(message.body(), type);
        } catch (Json.MalformedJsonException e) {
            throw new PermanentFailureException("malformed message body: " + e.getMessage(), e);
        }
    }
}
