package io.github.sqsreliable.internal.handle;

import java.time.Duration;

/**
 * What one handler call did: returned normally ({@code error == null}) or threw, and how long it took.
 *
 * @param error what the handler threw, or {@code null}
 * @param duration how long the call took
 */
public record HandlerResult(Throwable error, Duration duration) {

    static HandlerResult success(Duration duration) {
        return new HandlerResult(null, duration);
    }

    static HandlerResult failure(Throwable error, Duration duration) {
        return new HandlerResult(error, duration);
    }

    /** @return whether the handler returned normally */
    public boolean succeeded() {
        return error == null;
    }
}
