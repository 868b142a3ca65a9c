package io.github.sqsreliable.internal.handle;

import io.github.sqsreliable.observe.MessageTracing;
import java.time.Duration;

/**
 * What one handler call did: returned normally ({@code error == null}) or threw, and how long it took.
 *
 * @param error what the handler threw, or {@code null}
 * @param duration how long the call took
 * @param span the call's span, to be ended once the outcome is decided ({@link MessageTracing#none()}'s when off)
 */
public record HandlerResult(Throwable error, Duration duration, MessageTracing.Span span) {

    static HandlerResult success(Duration duration, MessageTracing.Span span) {
        return new HandlerResult(null, duration, span);
    }

    static HandlerResult failure(Throwable error, Duration duration, MessageTracing.Span span) {
        return new HandlerResult(error, duration, span);
    }

    /** @return whether the handler returned normally */
    public boolean succeeded() {
        return error == null;
    }
}
