package io.github.sqsreliable.test;

import java.time.Duration;

/**
 * What queue a test needs from {@link EmbeddedSqs#createQueue(QueueSpec)}.
 *
 * @param namePrefix the start of the queue's unique name
 * @param fifo whether it is a FIFO queue
 * @param visibilityTimeout the queue's VisibilityTimeout
 * @param deadLetterQueueUrl the RedrivePolicy's target, or {@code null} for none
 * @param maxReceiveCount the RedrivePolicy's maxReceiveCount
 */
public record QueueSpec(String namePrefix, boolean fifo, Duration visibilityTimeout, String deadLetterQueueUrl,
                        int maxReceiveCount) {

    /** @return a standard queue with a 30 s visibility timeout */
    public static QueueSpec standard() {
        return new QueueSpec("test", false, Duration.ofSeconds(30), null, 0);
    }

    /** @return a FIFO queue with a 30 s visibility timeout */
    public static QueueSpec fifoQueue() {
        return new QueueSpec("test", true, Duration.ofSeconds(30), null, 0);
    }

    /**
     * @param timeout whole seconds
     * @return this spec with another visibility timeout
     */
    public QueueSpec visibilityTimeout(Duration timeout) {
        return new QueueSpec(namePrefix, fifo, timeout, deadLetterQueueUrl, maxReceiveCount);
    }

    /**
     * @param prefix the start of the name
     * @return this spec with another name prefix
     */
    public QueueSpec namePrefix(String prefix) {
        return new QueueSpec(prefix, fifo, visibilityTimeout, deadLetterQueueUrl, maxReceiveCount);
    }

    /**
     * @param dlqUrl the dead-letter queue (same kind: FIFO for a FIFO queue)
     * @param receives the RedrivePolicy's maxReceiveCount
     * @return this spec with a RedrivePolicy
     */
    public QueueSpec redriveTo(String dlqUrl, int receives) {
        return new QueueSpec(namePrefix, fifo, visibilityTimeout, dlqUrl, receives);
    }
}
