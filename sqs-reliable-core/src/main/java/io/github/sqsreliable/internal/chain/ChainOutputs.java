package io.github.sqsreliable.internal.chain;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.chain.NextMessages;
import io.github.sqsreliable.internal.dedupe.Hashing;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.publish.OutgoingMessage;
import io.github.sqsreliable.retry.PermanentFailureException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The outputs of one chain handler call, each with its queue's rules applied and its derived id attached. */
final class ChainOutputs implements NextMessages {

    /** An output ready to send. */
    record Output(String queueUrl, OutgoingMessage message) {
    }

    private final SqsMessage input;
    private final List<Output> outputs = new ArrayList<>();
    private boolean closed;

    ChainOutputs(SqsMessage input) {
        this.input = input;
    }

    @Override
    public void send(String queueUrl, String body) {
        send(queueUrl, OutgoingMessage.of(body));
    }

    @Override
    public void send(String queueUrl, OutgoingMessage message) {
        Objects.requireNonNull(queueUrl, "queueUrl");
        Objects.requireNonNull(message, "message");
        if (closed) {
            throw new IllegalStateException("outputs may be sent only while the chain handler runs");
        }
        int index = outputs.size();
        outputs.add(new Output(queueUrl, derive(input, index, queueUrl, message)));
    }

    /** @return the outputs, in the order sent; none can be added any more */
    List<Output> close() {
        closed = true;
        return List.copyOf(outputs);
    }

    /**
     * @param input the input message
     * @param index the output's number, from 0
     * @return the id of that output, the same on every run of the step for that input: 64 hex characters
     */
    static String outputId(SqsMessage input, int index) {
        return Hashing.sha256Hex(input.messageId() + "/" + index);
    }

    static OutgoingMessage derive(SqsMessage input, int index, String queueUrl, OutgoingMessage message) {
        String outputId = outputId(input, index);
        OutgoingMessage.Builder derived = message.toBuilder();
        boolean hasRoom = message.attributes().size() < SqsLimits.MAX_MESSAGE_ATTRIBUTES
                || message.attributes().containsKey(OUTPUT_ID_ATTRIBUTE);
        if (queueUrl.endsWith(".fifo")) {
            if (message.messageGroupId().isEmpty()) {
                String group = input.messageGroupId().orElseThrow(() -> new PermanentFailureException("output "
                        + index + " for FIFO queue " + queueUrl + " has no message group id, and input message "
                        + input.messageId() + " has none to pass on: set OutgoingMessage.messageGroupId"));
                derived.messageGroupId(group);
            }
            if (message.delay().isPresent()) {
                throw new PermanentFailureException("output " + index + " for FIFO queue " + queueUrl
                        + " has a delay, which SQS refuses on a FIFO queue");
            }
            if (message.deduplicationId().isEmpty()) {
                derived.deduplicationId(outputId);
            }
        } else if (!hasRoom) {
            throw new PermanentFailureException("output " + index + " for queue " + queueUrl + " already has "
                    + SqsLimits.MAX_MESSAGE_ATTRIBUTES + " message attributes, SQS's limit, leaving no room for "
                    + OUTPUT_ID_ATTRIBUTE + " (which lets the next stage tell a resent output from a new one)");
        }
        if (hasRoom) {
            derived.stringAttribute(OUTPUT_ID_ATTRIBUTE, outputId);
        }
        return derived.build();
    }
}
