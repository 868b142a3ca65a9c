package io.github.sqsreliable.internal.receive;

import io.github.sqsreliable.SqsReliableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the consumer needs to know about its queue, read once at start: whether it is FIFO and its default
 * visibility timeout.
 *
 * @param fifo whether the queue is FIFO ({@code FifoQueue} attribute, or a name ending in {@code .fifo})
 * @param visibilityTimeout the queue's {@code VisibilityTimeout}
 * @param queueArn the queue's ARN
 */
public record QueueProfile(boolean fifo, Duration visibilityTimeout, String queueArn) {

    /**
     * Reads the queue's attributes.
     *
     * @param client the client
     * @param queueUrl the queue
     * @param timeout how long to wait for SQS
     * @return the profile
     * @throws SqsReliableException if SQS does not answer, or answers with an error
     */
    public static QueueProfile read(SqsAsyncClient client, String queueUrl, Duration timeout) {
        Map<QueueAttributeName, String> attributes;
        try {
            attributes = client.getQueueAttributes(GetQueueAttributesRequest.builder()
                            .queueUrl(queueUrl)
                            .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT, QueueAttributeName.FIFO_QUEUE,
                                    QueueAttributeName.QUEUE_ARN)
                            .build())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .attributes();
        } catch (ExecutionException e) {
            throw SqsReliableException.queueUnavailable(queueUrl, e.getCause());
        } catch (TimeoutException e) {
            throw SqsReliableException.queueUnavailable(queueUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SqsReliableException.queueUnavailable(queueUrl, e);
        }
        boolean fifo = Boolean.parseBoolean(attributes.get(QueueAttributeName.FIFO_QUEUE)) || queueUrl.endsWith(".fifo");
        String visibility = attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT);
        Duration visibilityTimeout = Duration.ofSeconds(visibility == null ? 30 : Long.parseLong(visibility));
        return new QueueProfile(fifo, visibilityTimeout, attributes.get(QueueAttributeName.QUEUE_ARN));
    }
}
