package io.github.sqsreliable.benchmarks.raw;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The baselines: what a careful engineer writes without a library. Receive 10 with a 1 s long poll, delete the
 * batch with one DeleteMessageBatch, repeat; K threads (sync) or K receive chains in flight (async). No handler
 * work, no error handling beyond failing loudly.
 */
public final class RawLoops {

    private RawLoops() {
    }

    /** What a loop did. */
    public record LoopResult(int messages, long nanos, long orderViolations) {
        /** Messages per second. */
        public double messagesPerSecond() {
            return messages / (nanos / 1e9);
        }
    }

    /** K threads, each receive-then-delete, until {@code count} messages are deleted. */
    public static LoopResult sync(SqsClient sqs, String queueUrl, int count, int threads) {
        return syncLoop(sqs, queueUrl, count, threads, false);
    }

    /**
     * The FIFO variant: bodies are {@code "<group>:<sequence>"}; each received message must be its group's next.
     * A FIFO queue hands out a group's messages only after the previous ones were deleted, so K threads are safe.
     */
    public static LoopResult syncFifo(SqsClient sqs, String queueUrl, int count, int threads) {
        return syncLoop(sqs, queueUrl, count, threads, true);
    }

    private static LoopResult syncLoop(SqsClient sqs, String queueUrl, int count, int threads, boolean fifo) {
        AtomicInteger deleted = new AtomicInteger();
        AtomicLong finished = new AtomicLong();
        AtomicLong violations = new AtomicLong();
        Map<String, Integer> nextInGroup = new ConcurrentHashMap<>();
        ReceiveMessageRequest receive = ReceiveMessageRequest.builder().queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(1).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    while (deleted.get() < count) {
                        List<Message> messages = sqs.receiveMessage(receive).messages();
                        if (messages.isEmpty()) {
                            continue;
                        }
                        if (fifo) {
                            violations.addAndGet(checkOrder(messages, nextInGroup));
                        }
                        sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(deletes(messages)));
                        markIfLast(deleted.addAndGet(messages.size()), count, finished);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("raw loop failed", e);
        } finally {
            pool.shutdownNow();
        }
        return new LoopResult(deleted.get(), finished.get() - start, violations.get());
    }

    /** {@code chains} receive-then-delete chains in flight on an async client, no thread blocked per chain. */
    public static LoopResult async(SqsAsyncClient sqs, String queueUrl, int count, int chains) {
        return asyncChains(sqs, queueUrl, count, chains, null);
    }

    /**
     * As {@link #async}, but each receive's messages go to a pool of {@code workers} threads, where handlers would
     * run (a no-op here), and which sends the delete: the least a library must add, since handlers may block and
     * so cannot run on the SDK's threads. The next receive is sent when the delete answers, on the SDK's thread.
     */
    public static LoopResult asyncWithWorkers(SqsAsyncClient sqs, String queueUrl, int count, int chains,
            int workers) {
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "raw-worker");
            thread.setDaemon(true);
            return thread;
        });
        try {
            return asyncChains(sqs, queueUrl, count, chains, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    /** @param workers where each receive's delete is sent from, or {@code null} for the SDK's thread */
    private static LoopResult asyncChains(SqsAsyncClient sqs, String queueUrl, int count, int chains,
            Executor workers) {
        AtomicInteger deleted = new AtomicInteger();
        AtomicLong finished = new AtomicLong();
        ReceiveMessageRequest receive = ReceiveMessageRequest.builder().queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(1).build();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int c = 0; c < chains; c++) {
            CompletableFuture<Void> chainDone = new CompletableFuture<>();
            next(sqs, queueUrl, receive, count, deleted, finished, workers, chainDone);
            done.add(chainDone);
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        return new LoopResult(deleted.get(), finished.get() - start, 0);
    }

    private static void next(SqsAsyncClient sqs, String queueUrl, ReceiveMessageRequest receive, int count,
            AtomicInteger deleted, AtomicLong finished, Executor workers, CompletableFuture<Void> chainDone) {
        if (deleted.get() >= count) {
            chainDone.complete(null);
            return;
        }
        Function<ReceiveMessageResponse, CompletableFuture<Integer>> delete = response ->
                response.messages().isEmpty()
                        ? CompletableFuture.completedFuture(0)
                        : sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(deletes(response.messages())))
                                .thenApply(ignored -> response.messages().size());
        CompletableFuture<ReceiveMessageResponse> received = sqs.receiveMessage(receive);
        (workers == null ? received.thenCompose(delete) : received.thenComposeAsync(delete, workers))
                .whenComplete((messages, error) -> {
                    if (error != null) {
                        chainDone.completeExceptionally(error);
                        return;
                    }
                    markIfLast(deleted.addAndGet(messages), count, finished);
                    next(sqs, queueUrl, receive, count, deleted, finished, workers, chainDone);
                });
    }

    /**
     * Stops the clock when the last message is deleted: the loops' threads then still wait out a long poll on an
     * empty queue, which is not consuming time.
     */
    private static void markIfLast(int deletedNow, int count, AtomicLong finished) {
        if (deletedNow >= count) {
            finished.compareAndSet(0, System.nanoTime());
        }
    }

    /** One DeleteMessageBatch entry per message, ids {@code d0} to {@code d9}; the raw loops share it. */
    static List<DeleteMessageBatchRequestEntry> deletes(List<Message> messages) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id("d" + i)
                    .receiptHandle(messages.get(i).receiptHandle()).build());
        }
        return entries;
    }

    /** Counts messages that are not their group's next, and advances each group's expectation. */
    public static long checkOrder(List<Message> messages, Map<String, Integer> nextInGroup) {
        long violations = 0;
        for (Message message : messages) {
            violations += outOfOrder(message.body(), nextInGroup) ? 1 : 0;
        }
        return violations;
    }

    /**
     * Whether a body {@code "<group>:<sequence>"} is not its group's next message; advances the group's
     * expectation either way.
     */
    public static boolean outOfOrder(String body, Map<String, Integer> nextInGroup) {
        String[] parts = body.split(":");
        int sequence = Integer.parseInt(parts[1]);
        Integer expected = nextInGroup.put(parts[0], sequence + 1);
        return expected == null ? sequence != 0 : sequence != expected;
    }
}
