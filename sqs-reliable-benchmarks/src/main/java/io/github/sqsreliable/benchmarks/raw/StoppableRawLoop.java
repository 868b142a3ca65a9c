package io.github.sqsreliable.benchmarks.raw;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The async raw loop of {@link RawLoops#async}, receive chains with 1 s long polls that delete each batch, but
 * running until told to stop rather than until a count: what a careful engineer's shutdown of it looks like.
 * {@link #close()} stops sending receives and waits for the receives in flight to answer (at most their 1 s wait)
 * and for their deletes; it cancels nothing, so it leaves no long poll behind. Thread-safe.
 */
public final class StoppableRawLoop implements AutoCloseable {

    private final SqsAsyncClient sqs;
    private final String queueUrl;
    private final ReceiveMessageRequest receive;
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicInteger deleted = new AtomicInteger();
    private final List<CompletableFuture<Void>> chains = new ArrayList<>();
    private volatile boolean stopping;

    private StoppableRawLoop(SqsAsyncClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.receive = ReceiveMessageRequest.builder().queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                .build();
    }

    /** Starts {@code chains} receive chains on {@code queueUrl}. */
    public static StoppableRawLoop start(SqsAsyncClient sqs, String queueUrl, int chains) {
        StoppableRawLoop loop = new StoppableRawLoop(sqs, queueUrl);
        for (int c = 0; c < chains; c++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loop.chains.add(done);
            loop.next(done);
        }
        return loop;
    }

    private void next(CompletableFuture<Void> done) {
        if (stopping) {
            done.complete(null);
            return;
        }
        sqs.receiveMessage(receive).thenCompose(response -> {
            List<Message> messages = response.messages();
            if (messages.isEmpty()) {
                return CompletableFuture.completedFuture(0);
            }
            handled.addAndGet(messages.size()); // the no-op handler
            return sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(RawLoops.deletes(messages)))
                    .thenApply(answer -> answer.successful().size());
        }).whenComplete((count, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
                return;
            }
            deleted.addAndGet(count);
            next(done);
        });
    }

    /** Messages received and handed to the no-op handler. */
    public int handled() {
        return handled.get();
    }

    /** Messages whose delete SQS confirmed. */
    public int deleted() {
        return deleted.get();
    }

    /** Stops sending receives and waits for those in flight, and their deletes. */
    @Override
    public void close() {
        stopping = true;
        CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).join();
    }
}
