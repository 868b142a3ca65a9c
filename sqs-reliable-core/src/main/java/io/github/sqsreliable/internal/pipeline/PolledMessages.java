package io.github.sqsreliable.internal.pipeline;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.lease.VisibilityExtender;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.observe.QueueSampler;
import io.github.sqsreliable.internal.receive.ByteBudget;
import io.github.sqsreliable.internal.receive.Receiver;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Where the polling consumer's receives enter the pipeline: each SDK message becomes an {@link InFlightMessage}
 * whose bytes count against the budget and whose visibility is extended from now until it is settled.
 */
public final class PolledMessages implements Receiver.BatchSink {

    private static final String SENT_TIMESTAMP = MessageSystemAttributeName.SENT_TIMESTAMP.toString();

    private final String queueUrl;
    private final boolean fifo;
    private final long visibilityTimeoutNanos;
    private final ByteBudget bytes;
    private final VisibilityExtender extender;
    private final ConsumerEvents events;
    private final MessagePipeline pipeline;
    private final boolean answersRunOnHandlerThreads;
    private final QueueSampler sampler;

    /**
     * @param queueUrl the queue the messages come from
     * @param fifo whether it is a FIFO queue
     * @param visibilityTimeoutNanos the visibility timeout the messages were received with
     * @param bytes the budget the messages' bytes count against
     * @param extender keeps the messages invisible until they are settled
     * @param events counts the messages received
     * @param pipeline takes the messages on
     * @param answersRunOnHandlerThreads whether receive answers are taken by threads of the handler pool (the
     *     consumer's own), which may then run the first handler themselves
     * @param sampler told how long each message waited in SQS
     */
    public PolledMessages(String queueUrl, boolean fifo, long visibilityTimeoutNanos, ByteBudget bytes,
                          VisibilityExtender extender, ConsumerEvents events, MessagePipeline pipeline,
                          boolean answersRunOnHandlerThreads, QueueSampler sampler) {
        this.queueUrl = queueUrl;
        this.fifo = fifo;
        this.visibilityTimeoutNanos = visibilityTimeoutNanos;
        this.bytes = bytes;
        this.extender = extender;
        this.events = events;
        this.pipeline = pipeline;
        this.answersRunOnHandlerThreads = answersRunOnHandlerThreads;
        this.sampler = sampler;
    }

    @Override
    public Runnable accept(List<Message> messages, long leaseStartNanos) {
        List<InFlightMessage> batch = new ArrayList<>(messages.size());
        long receivedMillis = sampler.enabled() ? System.currentTimeMillis() : 0;
        for (Message message : messages) {
            SqsMessage view = SqsMessage.builder()
                    .queueUrl(queueUrl)
                    .messageId(message.messageId())
                    .body(message.body())
                    .attributes(message.attributesAsStrings())
                    .messageAttributes(message.messageAttributes())
                    .build();
            InFlightMessage inFlight = new InFlightMessage(message, view, fifo, leaseStartNanos,
                    visibilityTimeoutNanos);
            bytes.hold(inFlight.sizeBytes());
            extender.track(inFlight);
            events.received(view);
            sampler.received(view.attributes().get(SENT_TIMESTAMP), receivedMillis);
            batch.add(inFlight);
        }
        return pipeline.accept(batch, answersRunOnHandlerThreads);
    }
}
