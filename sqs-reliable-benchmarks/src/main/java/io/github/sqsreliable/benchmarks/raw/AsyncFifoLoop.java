package io.github.sqsreliable.benchmarks.raw;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The raw FIFO loop for a network with latency: {@code chains} receive chains in flight on an async client, each
 * receive's batch checked in order and deleted before the chain sends its next receive. The order holds across
 * chains because a FIFO queue hands out none of a group's messages while an earlier one of that group is received
 * and not yet deleted. A sync loop with a few threads is bound by the round trips at 20 ms per request; this one
 * is bound by the groups that are free.
 */
public final class AsyncFifoLoop {

    private AsyncFifoLoop() {
    }

    /** Runs until {@code count} messages are deleted; bodies are {@code "<group>:<sequence>"}. */
    public static RawLoops.LoopResult run(SqsAsyncClient sqs, String queueUrl, int count, int chains) {
        AtomicInteger deleted = new AtomicInteger();
        AtomicLong finished = new AtomicLong();
        AtomicLong violations = new AtomicLong();
        Map<String, Integer> nextInGroup = new ConcurrentHashMap<>();
        ReceiveMessageRequest receive = ReceiveMessageRequest.builder().queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(1).build();
        Chains loop = new Chains(sqs, queueUrl, receive, count, deleted, finished, violations, nextInGroup);
        long start = System.nanoTime();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int c = 0; c < chains; c++) {
            CompletableFuture<Void> chainDone = new CompletableFuture<>();
            loop.next(chainDone);
            done.add(chainDone);
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        return new RawLoops.LoopResult(deleted.get(), finished.get() - start, violations.get());
    }

    private record Chains(SqsAsyncClient sqs, String queueUrl, ReceiveMessageRequest receive, int count,
            AtomicInteger deleted, AtomicLong finished, AtomicLong violations, Map<String, Integer> nextInGroup) {

        void next(CompletableFuture<Void> chainDone) {
            if (deleted.get() >= count) {
                chainDone.complete(null);
                return;
            }
            sqs.receiveMessage(receive).thenCompose(response -> {
                List<Message> messages = response.messages();
                if (messages.isEmpty()) {
                    return CompletableFuture.completedFuture(0);
                }
                violations.addAndGet(RawLoops.checkOrder(messages, nextInGroup));
                return sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(RawLoops.deletes(messages)))
                        .thenApply(ignored -> messages.size());
            }).whenComplete((messages, error) -> {
                if (error != null) {
                    chainDone.completeExceptionally(error);
                    return;
                }
                int now = deleted.addAndGet(messages);
                if (now >= count && messages > 0) {
                    finished.compareAndSet(0, System.nanoTime());
                }
                next(chainDone);
            });
        }
    }
}
