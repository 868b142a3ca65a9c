package io.github.sqsreliable.internal.settle;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.sqs.MessageSize;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.internal.trace.XrayTraceHeader;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.observe.ConsumerEvent.FailureRecordForm;
import io.github.sqsreliable.retry.FailureRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Sends a copy of a message to a retry or dead-letter queue: the same body and message attributes, the failure
 * record in place of any earlier one, and on FIFO targets the same message group with a deduplication id derived
 * from the original message id (so that a copy sent twice, after a failed delete, is stored once).
 *
 * <p>The copy must fit the target's MaximumMessageSize, which counts the record too. The mover sizes the copy as
 * SQS does before sending and attaches the largest form of the record that fits ({@link RecordFitter}); if SQS
 * still refuses the copy as too large (its limit was unknown or lower), it sends the next smaller form, never the
 * same copy again.
 *
 * <p>The copy carries the trace context of the handler call that failed ({@link MessageTracing.CopyContext}): in the
 * {@code AWSTraceHeader} system attribute, which SQS does not count among the 10 message attributes, and in the
 * W3C message attributes when there is room for them after the failure record. Without a context (tracing off, or
 * a move retried after its send failed, when no handler ran), a well-formed {@code AWSTraceHeader} the message
 * arrived with is passed on as it is: SQS does not copy system attributes by itself.
 */
public final class MessageMover {

    /** SQS: "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes." */
    /** The system attribute carrying the X-Ray trace header; sent, it does not count as a message attribute. */
    static final String AWS_TRACE_HEADER = "AWSTraceHeader";

    private static final Pattern SHORTER_THAN = Pattern.compile("shorter than (\\d+)");

    private final SqsAsyncClient client;
    private final TargetSizeLimits limits;

    public MessageMover(SqsAsyncClient client) {
        this.client = client;
        this.limits = new TargetSizeLimits(client);
    }

    /**
     * What a successful send carried.
     *
     * @param form how much of the failure record the copy carries
     * @param size the copy's size as SQS counts it, in bytes
     * @param limit the target's MaximumMessageSize as known when the copy was sent
     */
    public record Sent(FailureRecordForm form, long size, long limit) {
    }

    /**
     * @param message the original
     * @param queueUrl the target
     * @param delay DelaySeconds for a standard target (FIFO queues take none), at most 15 minutes
     * @param record the failure record to attach, or {@code null} when the message has no room for one
     * @param trace the trace context the copy carries, or {@code null} for none
     * @return completes when SQS stored the copy, with what it carries; fails with {@link CopyTooLargeException}
     *     when not even the copy without a record fits the target, or with SQS's refusal
     */
    public CompletableFuture<Sent> send(SqsMessage message, String queueUrl, Duration delay, FailureRecord record,
                                        MessageTracing.CopyContext trace) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>(message.messageAttributes());
        attributes.remove(FailureRecord.ATTRIBUTE_NAME);
        String traceHeader = carryTrace(message, trace, attributes, record != null);
        long baseSize = MessageSize.of(message.body(), attributes);
        return limits.of(queueUrl).thenCompose(limit -> sendFitting(message, queueUrl, delay, record, attributes,
                traceHeader, baseSize, limit, Long.MAX_VALUE));
    }

    /**
     * Puts the trace context's message attributes into the copy's, while fewer than 10 (counting the failure record)
     * leave room; a stale context's attributes are removed first.
     *
     * @return the {@code AWSTraceHeader} the copy is sent with, or null
     */
    static String carryTrace(SqsMessage message, MessageTracing.CopyContext trace,
                             Map<String, MessageAttributeValue> attributes, boolean withRecord) {
        if (trace == null) {
            String received = message.attributes().get(AWS_TRACE_HEADER);
            return XrayTraceHeader.parse(received).isPresent() ? received : null;
        }
        trace.replaces().forEach(attributes::remove);
        trace.messageAttributes().keySet().forEach(attributes::remove);
        for (Map.Entry<String, String> field : trace.messageAttributes().entrySet()) {
            if (attributes.size() + (withRecord ? 1 : 0) >= SqsLimits.MAX_MESSAGE_ATTRIBUTES) {
                break;
            }
            attributes.put(field.getKey(), MessageAttributeValue.builder().dataType("String")
                    .stringValue(field.getValue()).build());
        }
        return trace.awsTraceHeader();
    }

    private CompletableFuture<Sent> sendFitting(SqsMessage message, String queueUrl, Duration delay,
                                                FailureRecord record, Map<String, MessageAttributeValue> attributes,
                                                String traceHeader, long baseSize, long limit, long smallestRefused) {
        RecordFitter.Fit fit = RecordFitter.fit(baseSize, record, limit, smallestRefused);
        if (fit == null) {
            limits.forget(queueUrl); // read again next time: the target's limit may have been raised meanwhile
            return CompletableFuture.failedFuture(new CopyTooLargeException(message.messageId(), queueUrl, baseSize,
                    Math.min(limit, smallestRefused - 1)));
        }
        return sendCopy(message, queueUrl, delay, record, attributes, traceHeader, fit.record())
                .handle((ok, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(new Sent(fit.form(), fit.size(), limit));
                    }
                    OptionalInt sqsLimit = sizeRefusal(error);
                    if (sqsLimit == null) {
                        return CompletableFuture.<Sent>failedFuture(unwrap(error));
                    }
                    // Refused for size: not transient, so never the same copy again; the next smaller one.
                    long learned = limit;
                    if (sqsLimit.isPresent()) {
                        limits.learn(queueUrl, sqsLimit.getAsInt());
                        learned = Math.min(limit, sqsLimit.getAsInt());
                    }
                    return sendFitting(message, queueUrl, delay, record, attributes, traceHeader, baseSize, learned,
                            fit.size());
                })
                .thenCompose(next -> next);
    }

    private CompletableFuture<Void> sendCopy(SqsMessage message, String queueUrl, Duration delay,
                                             FailureRecord moveRecord, Map<String, MessageAttributeValue> attributes,
                                             String traceHeader, FailureRecord carried) {
        Map<String, MessageAttributeValue> copyAttributes = attributes;
        if (carried != null) {
            copyAttributes = new HashMap<>(attributes);
            copyAttributes.put(FailureRecord.ATTRIBUTE_NAME, carried.toAttribute());
        }
        SendMessageRequest.Builder request = SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(message.body())
                .messageAttributes(copyAttributes);
        if (traceHeader != null) {
            request.messageSystemAttributes(Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                    MessageSystemAttributeValue.builder().dataType("String").stringValue(traceHeader).build()));
        }
        if (queueUrl.endsWith(".fifo")) {
            String originalId = moveRecord != null ? moveRecord.originalMessageId() : message.messageId();
            request.messageGroupId(message.messageGroupId().orElse(originalId))
                    .messageDeduplicationId("sqsreliable-" + originalId);
        } else if (!delay.isZero()) {
            Duration capped = delay.compareTo(SqsLimits.MAX_DELAY) > 0 ? SqsLimits.MAX_DELAY : delay;
            request.delaySeconds(SqsLimits.toSecondsRoundingUp(capped));
        }
        try {
            return client.sendMessage(request.build()).thenApply(response -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * @return null when {@code error} is not a refusal for size; else the limit SQS named, if it named one
     */
    static OptionalInt sizeRefusal(Throwable error) {
        if (!(unwrap(error) instanceof AwsServiceException refusal) || refusal.awsErrorDetails() == null) {
            return null;
        }
        String code = refusal.awsErrorDetails().errorCode();
        String text = refusal.awsErrorDetails().errorMessage();
        if (text == null) {
            return null;
        }
        Matcher limit = SHORTER_THAN.matcher(text);
        if ("InvalidParameterValue".equals(code) && limit.find()) {
            String digits = limit.group(1);
            return digits.length() > 9 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(digits));
        }
        // ElasticMQ's answer, which names no limit.
        if (text.equals("MessageTooLong") || "MessageTooLong".equals(code)) {
            return OptionalInt.empty();
        }
        return null;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
