package io.github.sqsreliable.benchmarks.sqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** Creates queues and fills them before a measurement, so that only consuming is timed. */
public final class Workloads {

    private static final int SENDERS = 8;

    private final SqsClient sqs;

    /** @param sqs a fast sync client, used only to prepare queues */
    public Workloads(SqsClient sqs) {
        this.sqs = sqs;
    }

    /** A new standard queue. */
    public String standardQueue(String prefix, int visibilityTimeoutSeconds) {
        return sqs.createQueue(r -> r.queueName(prefix + "-" + UUID.randomUUID().toString().substring(0, 8))
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT,
                        Integer.toString(visibilityTimeoutSeconds)))).queueUrl();
    }

    /** A new FIFO queue without content-based deduplication. */
    public String fifoQueue(String prefix) {
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
        attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, "30");
        return sqs.createQueue(r -> r.queueName(prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo")
                .attributes(attributes)).queueUrl();
    }

    /**
     * Deletes a queue a run has finished with. ElasticMQ keeps a FIFO queue's deduplication ids for 5 minutes
     * (about 28 MB per 30,000 messages); undeleted, a full run's FIFO queues filled the server's 1 GiB heap, and
     * its full GCs slowed every row measured after them.
     */
    public void deleteQueue(String queueUrl) {
        sqs.deleteQueue(r -> r.queueUrl(queueUrl));
    }

    /** Sends {@code count} small messages, bodies {@code "0"} to {@code count - 1}. */
    public void fill(String queueUrl, int count) {
        run(sender -> {
            for (int first = sender * 10; first < count; first += SENDERS * 10) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = first; i < Math.min(first + 10, count); i++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("m" + (i - first))
                            .messageBody(Integer.toString(i)).build());
                }
                send(queueUrl, entries);
            }
        });
    }

    /**
     * Sends {@code count} messages of {@code bodyBytes} ASCII bytes each, in batches of as many as keep a
     * SendMessageBatch under SQS's 1 MiB limit on its total (4 bodies of 200 KiB).
     */
    public void fillLarge(String queueUrl, int count, int bodyBytes) {
        int perBatch = Math.max(1, Math.min(10, (1 << 20) * 9 / 10 / bodyBytes));
        run(sender -> {
            for (int first = sender * perBatch; first < count; first += SENDERS * perBatch) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = first; i < Math.min(first + perBatch, count); i++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("m" + (i - first))
                            .messageBody(largeBody(i, bodyBytes)).build());
                }
                send(queueUrl, entries);
            }
        });
    }

    /** {@code "<index>:"} padded with {@code 'x'} to {@code bodyBytes} characters (one byte each in UTF-8). */
    static String largeBody(int index, int bodyBytes) {
        String prefix = index + ":";
        return prefix + "x".repeat(Math.max(0, bodyBytes - prefix.length()));
    }

    /**
     * Sends {@code count} messages spread round robin over {@code groups} message groups; each body is
     * {@code "<group>:<sequence in group>"}, so a consumer can check the order.
     */
    public void fillFifo(String queueUrl, int count, int groups) {
        run(sender -> {
            // Each sender owns some groups and sends their messages in order: a group's order is send order.
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int group = i % groups;
                if (group % SENDERS != sender) {
                    continue;
                }
                int sequence = i / groups;
                entries.add(SendMessageBatchRequestEntry.builder().id("m" + entries.size())
                        .messageGroupId("g" + group).messageDeduplicationId(group + "-" + sequence)
                        .messageBody(group + ":" + sequence).build());
                if (entries.size() == 10) {
                    send(queueUrl, entries);
                    entries = new ArrayList<>();
                }
            }
            if (!entries.isEmpty()) {
                send(queueUrl, entries);
            }
        });
    }

    private void send(String queueUrl, List<SendMessageBatchRequestEntry> entries) {
        SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        if (response.hasFailed() && !response.failed().isEmpty()) {
            throw new IllegalStateException("send failed: " + response.failed());
        }
    }

    private static void run(SenderTask task) {
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int sender = 0; sender < SENDERS; sender++) {
                int id = sender;
                futures.add(pool.submit(() -> {
                    task.run(id);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("filling the queue failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface SenderTask {
        void run(int sender);
    }
}
