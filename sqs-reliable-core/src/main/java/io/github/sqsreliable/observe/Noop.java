package io.github.sqsreliable.observe;

import io.github.sqsreliable.SqsMessage;
import java.util.List;

/** {@link MessageTracing#none()}: shared instances, so that tracing switched off allocates nothing. */
final class Noop implements MessageTracing, MessageTracing.Span, MessageTracing.Scope {

    static final Noop TRACING = new Noop();

    private Noop() {
    }

    @Override
    public Span startMessage(SqsMessage message) {
        return this;
    }

    @Override
    public Span startBatch(List<SqsMessage> messages) {
        return this;
    }

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public Scope makeCurrent() {
        return this;
    }

    @Override
    public void messageFailed(SqsMessage message, Outcome outcome, Throwable error) {
    }

    @Override
    public void end(Outcome outcome, Throwable error) {
    }

    @Override
    public CopyContext copyContext() {
        return null;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "MessageTracing.none()";
    }
}
