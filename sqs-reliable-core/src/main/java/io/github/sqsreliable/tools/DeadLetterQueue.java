package io.github.sqsreliable.tools;

import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The dead-letter queue's side of the SQS calls: receive with a chosen visibility, and release. Blocking: every
 * call waits for SQS's answer on the caller's thread. Never logs bodies or receipt handles.
 */
final class DeadLetterQueue {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterQueue.class);

    /**
     * Long enough for SQS to look at all its servers (a short poll samples only some, and can answer empty while
     * messages remain), short enough to end a run soon after the queue is empty.
     */
    static final Duration RECEIVE_WAIT_TIME = Duration.ofSeconds(1);

    private final SqsAsyncClient sqs;
    private final String queueUrl;

    DeadLetterQueue(SqsAsyncClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    String url() {
        return queueUrl;
    }

    SqsAsyncClient client() {
        return sqs;
    }

    /**
     * Receives up to {@code max} messages with every system and message attribute.
     *
     * @throws SqsReliableException if the request fails (missing queue, no permission)
     */
    List<Message> receive(int max, Duration visibilityTimeout) {
        ReceiveMessageRequest request = ReceiveMessageRequest.builder()
                .queueUrl(queueUrl)
                .maxNumberOfMessages(Math.min(max, SqsLimits.MAX_RECEIVE_BATCH))
                .visibilityTimeout(SqsLimits.toSecondsRoundingUp(visibilityTimeout))
                .waitTimeSeconds(SqsLimits.toSecondsRoundingDown(RECEIVE_WAIT_TIME))
                // ALL includes AWSTraceHeader, which a redrive passes on to keep the message's trace.
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")
                .build();
        return await(() -> sqs.receiveMessage(request), "ReceiveMessage", queueUrl).messages();
    }

    /**
     * Makes held messages visible again at once (visibility 0), 10 per request. Best effort, never throws: a
     * message it cannot release reappears anyway when the visibility the run gave it lapses.
     *
     * @param receiptHandlesByMessageId the latest receipt handle of each held message
     * @return how many could not be released
     */
    int release(Map<String, String> receiptHandlesByMessageId) {
        List<Map.Entry<String, String>> held = new ArrayList<>(receiptHandlesByMessageId.entrySet());
        int notReleased = 0;
        for (int start = 0; start < held.size(); start += SqsLimits.MAX_BATCH_ENTRIES) {
            List<Map.Entry<String, String>> chunk =
                    held.subList(start, Math.min(start + SqsLimits.MAX_BATCH_ENTRIES, held.size()));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).getValue()).visibilityTimeout(0).build());
            }
            try {
                ChangeMessageVisibilityBatchResponse response = await(() -> sqs.changeMessageVisibilityBatch(
                        ChangeMessageVisibilityBatchRequest.builder().queueUrl(queueUrl).entries(entries).build()),
                        "ChangeMessageVisibilityBatch", queueUrl);
                for (BatchResultErrorEntry failure : response.failed()) {
                    notReleased++;
                    // SQS's own message may quote the receipt handle: log only the code.
                    log.warn("could not release message {} in {} ({}); it reappears when its visibility lapses",
                            chunk.get(Integer.parseInt(failure.id())).getKey(), queueUrl, failure.code());
                }
            } catch (SqsReliableException e) {
                notReleased += chunk.size();
                log.warn("could not release {} message(s) in {}; they reappear when their visibility lapses: {}",
                        chunk.size(), queueUrl, e.getMessage());
            }
        }
        return notReleased;
    }

    /**
     * Makes an SDK call and waits for it on the caller's thread.
     *
     * @param call starts the call; it may also throw before returning a future
     * @throws SqsReliableException wrapping the SDK's failure, or if the thread is interrupted
     */
    static <T> T await(Supplier<CompletableFuture<T>> call, String action, String queueUrl) {
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            throw failed(action, queueUrl, e);
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new SqsReliableException(action + " on queue " + queueUrl + " was interrupted", e);
        } catch (ExecutionException e) {
            throw failed(action, queueUrl, e.getCause() != null ? e.getCause() : e);
        }
    }

    private static SqsReliableException failed(String action, String queueUrl, Throwable cause) {
        return new SqsReliableException(action + " on queue " + queueUrl + " failed: " + cause.getMessage(), cause);
    }
}
