package io.github.sqsreliable.example.image.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The pipeline's five queues, named from one prefix:
 * <pre>
 *   {prefix}-resize.fifo      stage 1, FIFO, grouped by user
 *   {prefix}-resize-dlq.fifo  stage 1's dead letters (a FIFO queue's DLQ must be FIFO)
 *   {prefix}-catalog          stage 2, standard
 *   {prefix}-catalog-retry    stage 2's delayed retry tier
 *   {prefix}-catalog-dlq      stage 2's dead letters
 * </pre>
 *
 * @param resize stage 1's queue
 * @param resizeDeadLetter stage 1's DLQ
 * @param catalog stage 2's queue
 * @param catalogRetry stage 2's retry queue
 * @param catalogDeadLetter stage 2's DLQ
 */
public record PipelineQueues(String resize, String resizeDeadLetter, String catalog, String catalogRetry,
        String catalogDeadLetter) {

    /** Validates the components. */
    public PipelineQueues {
        Objects.requireNonNull(resize, "resize");
        Objects.requireNonNull(resizeDeadLetter, "resizeDeadLetter");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(catalogRetry, "catalogRetry");
        Objects.requireNonNull(catalogDeadLetter, "catalogDeadLetter");
    }

    /**
     * Creates the queues that are missing (CreateQueue returns the existing URL when the attributes match) and
     * returns their URLs.
     *
     * @param sqs the client
     * @param prefix the name prefix, e.g. {@code "images"}
     * @param visibilityTimeoutSeconds the visibility timeout of the two work queues
     */
    public static PipelineQueues create(SqsAsyncClient sqs, String prefix, int visibilityTimeoutSeconds) {
        String visibility = Integer.toString(visibilityTimeoutSeconds);
        Map<QueueAttributeName, String> fifo = Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false",
                QueueAttributeName.VISIBILITY_TIMEOUT, visibility);
        Map<QueueAttributeName, String> standard = Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, visibility);
        return new PipelineQueues(
                create(sqs, prefix + "-resize.fifo", fifo),
                create(sqs, prefix + "-resize-dlq.fifo", Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                        QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false")),
                create(sqs, prefix + "-catalog", standard),
                create(sqs, prefix + "-catalog-retry", standard),
                create(sqs, prefix + "-catalog-dlq", Map.of()));
    }

    /**
     * Looks up the URLs of queues that already exist (for real AWS, where the queues are made by your
     * infrastructure code).
     *
     * @throws IllegalStateException naming the first queue that does not exist
     */
    public static PipelineQueues lookUp(SqsAsyncClient sqs, String prefix) {
        return new PipelineQueues(url(sqs, prefix + "-resize.fifo"), url(sqs, prefix + "-resize-dlq.fifo"),
                url(sqs, prefix + "-catalog"), url(sqs, prefix + "-catalog-retry"),
                url(sqs, prefix + "-catalog-dlq"));
    }

    /**
     * Whether the three work queues (resize, catalog, catalog retry) hold no message at all: none visible, in
     * flight or delayed. The dead-letter queues are not counted.
     */
    public boolean workQueuesEmpty(SqsAsyncClient sqs) {
        for (String queue : List.of(resize, catalog, catalogRetry)) {
            Map<QueueAttributeName, String> counts = sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                    .queueUrl(queue)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)
                    .build()).join().attributes();
            if (counts.values().stream().mapToLong(Long::parseLong).sum() > 0) {
                return false;
            }
        }
        return true;
    }

    private static String create(SqsAsyncClient sqs, String name, Map<QueueAttributeName, String> attributes) {
        return sqs.createQueue(CreateQueueRequest.builder().queueName(name).attributes(attributes).build())
                .join().queueUrl();
    }

    private static String url(SqsAsyncClient sqs, String name) {
        try {
            return sqs.getQueueUrl(GetQueueUrlRequest.builder().queueName(name).build()).join().queueUrl();
        } catch (CompletionException e) {
            if (e.getCause() instanceof QueueDoesNotExistException) {
                throw new IllegalStateException("queue " + name + " does not exist; create it or pass --create-queues",
                        e.getCause());
            }
            throw e;
        }
    }
}
