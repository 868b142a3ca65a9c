package io.github.sqsreliable.observe;

import io.github.sqsreliable.SqsMessage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Traces each handler call, and hands the trace on to every copy of a message the library sends. The consumer
 * calls it; it implements no tracing itself. {@code io.github.sqsreliable.tracing.OpenTelemetryTracing} is the
 * OpenTelemetry implementation; {@link #none()}, the default, does nothing and allocates nothing.
 *
 * <p>Per handler call the pipeline: {@linkplain #startMessage starts} a span (or {@linkplain #startBatch one for a
 * batch}) on the worker thread, {@linkplain Span#makeCurrent() makes it current} while the handler runs, so that
 * spans the handler starts nest under it, classifies the result, then {@linkplain Span#end ends} it with the
 * {@link Outcome}. When the outcome sends a copy (a move to a retry queue, dead-lettering), the copy carries
 * {@link Span#copyContext()}, so that the next hop is a child of this span; the copy is sent later, on another
 * thread.
 *
 * <p>Implementations must be thread-safe and must not throw: every method is called on the handler's path.
 */
public interface MessageTracing {

    /** @return tracing that does nothing: no span, no allocation, nothing added to copies */
    static MessageTracing none() {
        return Noop.TRACING;
    }

    /**
     * Starts the span of one handler call for one message. The message's received context (for example a W3C
     * {@code traceparent} message attribute or the {@code AWSTraceHeader} system attribute) is its parent.
     *
     * @param message the message about to be handled
     * @return the span, not yet current
     */
    Span startMessage(SqsMessage message);

    /**
     * Starts one span for one batch handler call, linked to each message's received context.
     *
     * @param messages the batch about to be handled, at least one message
     * @return the span, not yet current
     */
    Span startBatch(List<SqsMessage> messages);

    /**
     * The trace context of the calling thread (for example the span of the handler call it runs), as a message sent
     * now carries it: used by {@code io.github.sqsreliable.publish.SqsPublisher}, so that what a handler publishes
     * continues its trace. Default: none.
     *
     * @return what a message sent now must carry, or {@code null} for nothing
     */
    default CopyContext currentContext() {
        return null;
    }

    /**
     * @return whether this tracing records anything; when false the consumer asks SQS for nothing extra (the
     *     {@code AWSTraceHeader} system attribute)
     */
    default boolean enabled() {
        return true;
    }

    /** What became of the message(s) of a handler call, as the span's {@code sqs_reliable.outcome} says it. */
    enum Outcome {
        /** Handled: deleted from the queue. */
        ACKNOWLEDGED("acknowledged"),
        /** Failed: will be received again from the same queue after a backoff. */
        RETRY_SCHEDULED("retry_scheduled"),
        /** Failed: a copy is sent to a retry queue. */
        MOVED_TO_RETRY_QUEUE("moved_to_retry_queue"),
        /** Failed: a copy is sent to the dead-letter queue. */
        DEAD_LETTERED("dead_lettered"),
        /** Failed permanently: handed back at once to the queue's RedrivePolicy. */
        RELEASED("released"),
        /** Failed in a way the consumer cannot route (an error of the JVM): it reappears when its visibility lapses. */
        REDELIVERED("redelivered"),
        /** A batch whose messages did not all end the same way (each failed message is recorded on the span). */
        MIXED("mixed");

        private final String value;

        Outcome(String value) {
            this.value = value;
        }

        /** @return the attribute value, in lower snake case */
        public String value() {
            return value;
        }
    }

    /**
     * The span of one handler call. Ended exactly once; {@link #copyContext()} may be called after it ended, from any
     * thread.
     */
    interface Span {

        /**
         * Makes the span current on the calling thread until the scope is closed.
         *
         * @return the scope to close on the same thread
         */
        Scope makeCurrent();

        /**
         * For a batch span: records that one message of the batch failed, before {@link #end}.
         *
         * @param message the message
         * @param outcome what becomes of it
         * @param error what the handler reported for it
         */
        void messageFailed(SqsMessage message, Outcome outcome, Throwable error);

        /**
         * Ends the span.
         *
         * @param outcome what became of the message(s)
         * @param error what the handler threw or reported, or {@code null} when it succeeded
         */
        void end(Outcome outcome, Throwable error);

        /** @return what a copy sent on behalf of this span must carry, or {@code null} for nothing */
        CopyContext copyContext();
    }

    /** A span made current; closing it restores the thread's previous context. Never throws. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * What a copy of a message carries so that the trace goes on at its next hop.
     *
     * <p>The copy is sent with {@code awsTraceHeader} as its {@code AWSTraceHeader} system attribute (which does not
     * count towards SQS's 10 message attributes). The copy's message attributes named in {@code replaces} are
     * removed, then {@code messageAttributes} are added as String attributes, in their order, while the copy has
     * fewer than 10 message attributes (the failure record counted first); those that do not fit are left out.
     *
     * @param awsTraceHeader the X-Ray trace header, or {@code null} for none
     * @param messageAttributes String message attributes to set, most important first
     * @param replaces the message attribute names that carry trace context and are stale on a copy
     */
    record CopyContext(String awsTraceHeader, Map<String, String> messageAttributes, Set<String> replaces) {

        /**
         * @param awsTraceHeader the X-Ray trace header, or {@code null} for none
         * @param messageAttributes String message attributes to set, most important first; copied in order
         * @param replaces the message attribute names that carry trace context and are stale on a copy; copied
         */
        public CopyContext {
            Objects.requireNonNull(messageAttributes, "messageAttributes");
            messageAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(messageAttributes));
            replaces = Set.copyOf(replaces);
        }
    }
}
