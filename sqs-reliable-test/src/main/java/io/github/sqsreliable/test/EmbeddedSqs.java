package io.github.sqsreliable.test;

import io.github.sqsreliable.test.internal.LocalClients;
import io.github.sqsreliable.test.internal.QueueNames;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * An embedded SQS: an in-process ElasticMQ on a loopback port, with a client, fresh queues and the helpers every
 * handler test needs (send messages, wait until a queue is drained, read a dead-letter queue).
 *
 * <p>{@link #shared()} is the one server of the JVM, started on first use and stopped when the JVM exits; tests
 * use it (directly, or through {@link SqsTestExtension}). {@link #start(int)} starts a server owned by the caller,
 * for a program rather than a test; {@link #close()} stops it.
 *
 * <pre>{@code
 * EmbeddedSqs sqs = EmbeddedSqs.shared();
 * String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
 * sqs.sendMessages(queueUrl, 10);
 * // ... run a consumer ...
 * sqs.awaitDrained(queueUrl, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Queue counters are exact on ElasticMQ (SQS's are approximate). Thread-safe.
 */
public final class EmbeddedSqs implements AutoCloseable {

    /** How long {@link #readAll(String)} hides the messages it reads before making them visible again. */
    private static final int READ_VISIBILITY_SECONDS = 60;
    private static final int BATCH = 10;
    private static final Duration DRAIN_POLL_INTERVAL = Duration.ofMillis(25);
    private static final Object LOCK = new Object();
    private static EmbeddedSqs shared;

    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsAsyncClient client;
    private final boolean owned;

    private EmbeddedSqs(int port, boolean owned) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port (" + port + ") must be between 0 and 65535");
        }
        this.server = port == 0
                ? SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start()
                : SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port).start();
        int bound = server.waitUntilStarted().localAddress().getPort();
        this.endpoint = URI.create("http://127.0.0.1:" + bound);
        this.client = newClient();
        this.owned = owned;
    }

    /**
     * The JVM's embedded SQS, started on first call on a free loopback port and stopped when the JVM exits.
     *
     * @return the shared instance; {@link #close()} does nothing on it
     */
    public static EmbeddedSqs shared() {
        synchronized (LOCK) {
            if (shared == null) {
                EmbeddedSqs started = new EmbeddedSqs(0, false);
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "embedded-sqs-stop"));
                shared = started;
            }
            return shared;
        }
    }

    /**
     * Starts a server owned by the caller, e.g. for a program's embedded mode. Its queues live in memory until
     * {@link #close()}.
     *
     * @param port the loopback port to listen on, or 0 for a free one
     * @return the running server
     * @throws IllegalArgumentException if {@code port} is not between 0 and 65535
     */
    public static EmbeddedSqs start(int port) {
        return new EmbeddedSqs(port, true);
    }

    /** @return the server's endpoint, e.g. {@code http://127.0.0.1:41234} */
    public URI endpoint() {
        return endpoint;
    }

    /** @return this server's client, used by the helpers; do not close it ({@link #close()} does) */
    public SqsAsyncClient client() {
        return client;
    }

    /**
     * A new client of this server; the caller closes it.
     *
     * @param interceptors interceptors to observe or alter requests and responses (fault injection)
     * @return the client
     */
    public SqsAsyncClient newClient(ExecutionInterceptor... interceptors) {
        return LocalClients.configure(SqsAsyncClient.builder(), endpoint, null, interceptors).build();
    }

    /**
     * Creates a queue with a unique name: the spec's prefix (characters SQS rejects replaced by {@code _}, cut to
     * fit SQS's 80 characters), a sequence number and a random part, and {@code .fifo} for a FIFO queue.
     *
     * @param spec what kind of queue
     * @return its URL
     */
    public String createQueue(QueueSpec spec) {
        return createNamedQueue(QueueNames.unique(spec.namePrefix(), spec.fifo()), spec);
    }

    /** @return the URL of a new standard queue with a 30 s visibility timeout */
    public String createQueue() {
        return createQueue(QueueSpec.standard());
    }

    String createNamedQueue(String name, QueueSpec spec) {
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(spec.visibilityTimeout().toSeconds()));
        if (spec.fifo()) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
        }
        if (spec.deadLetterQueueUrl() != null) {
            String dlqArn = queueArn(spec.deadLetterQueueUrl());
            attributes.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn
                    + "\",\"maxReceiveCount\":\"" + spec.maxReceiveCount() + "\"}");
        }
        return client.createQueue(CreateQueueRequest.builder().queueName(name).attributes(attributes).build())
                .join().queueUrl();
    }

    /**
     * @param queueUrl a queue
     * @return its ARN
     */
    public String queueArn(String queueUrl) {
        return client.getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN).build()).join()
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /**
     * Exact counters (ElasticMQ keeps them exact, unlike SQS's approximations).
     *
     * @param queueUrl a queue
     * @return visible, in-flight and delayed counts
     */
    public QueueCounts counts(String queueUrl) {
        Map<QueueAttributeName, String> attributes = client.getQueueAttributes(GetQueueAttributesRequest.builder()
                .queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)
                .build()).join().attributes();
        return new QueueCounts(
                Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
                Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")),
                Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "0")));
    }

    /**
     * Sends {@code count} messages with the bodies {@code "0"} to {@code "<count - 1>"}, as {@link #sendAll} does.
     *
     * @param queueUrl a standard or FIFO queue
     * @param count how many, 0 or more
     * @return the bodies sent
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public List<String> sendMessages(String queueUrl, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count (" + count + ") must not be negative");
        }
        List<String> bodies = IntStream.range(0, count).mapToObj(Integer::toString).toList();
        sendAll(queueUrl, bodies);
        return bodies;
    }

    /**
     * Sends bodies in batches of 10. To a standard queue, many batches are in flight at once, so the order is not
     * kept. To a FIFO queue (a URL ending in {@code .fifo}), they go in order into one message group,
     * {@code "group"}, each with a unique deduplication id: use {@link #sendGroupInOrder} for groups of your own.
     *
     * @param queueUrl a standard or FIFO queue
     * @param bodies the bodies
     * @throws IllegalStateException if SQS rejects an entry
     */
    public void sendAll(String queueUrl, List<String> bodies) {
        if (queueUrl.endsWith(QueueNames.FIFO_SUFFIX)) {
            sendGroupInOrder(queueUrl, "group", bodies);
            return;
        }
        List<CompletableFuture<SendMessageBatchResponse>> sends = new ArrayList<>();
        for (int start = 0; start < bodies.size(); start += BATCH) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < Math.min(start + BATCH, bodies.size()); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i - start))
                        .messageBody(bodies.get(i)).build());
            }
            sends.add(client.sendMessageBatch(SendMessageBatchRequest.builder().queueUrl(queueUrl)
                    .entries(entries).build()));
            if (sends.size() >= 64) {
                awaitAll(sends);
            }
        }
        awaitAll(sends);
    }

    /**
     * Sends one FIFO message group's bodies in order (batches of 10, one batch at a time), each with a unique
     * deduplication id, so sending the same body twice makes two messages.
     *
     * @param queueUrl a FIFO queue
     * @param groupId the message group
     * @param bodies the bodies, in order
     * @throws IllegalStateException if SQS rejects an entry
     */
    public void sendGroupInOrder(String queueUrl, String groupId, List<String> bodies) {
        for (int start = 0; start < bodies.size(); start += BATCH) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < Math.min(start + BATCH, bodies.size()); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i - start))
                        .messageBody(bodies.get(i)).messageGroupId(groupId)
                        .messageDeduplicationId(UUID.randomUUID().toString()).build());
            }
            List<CompletableFuture<SendMessageBatchResponse>> send = new ArrayList<>();
            send.add(client.sendMessageBatch(SendMessageBatchRequest.builder()
                    .queueUrl(queueUrl).entries(entries).build()));
            awaitAll(send);
        }
    }

    /**
     * Waits until a queue is drained: no message visible, in flight or delayed. A consumer has then deleted (or
     * moved to a retry or dead-letter queue) everything it received.
     *
     * @param queueUrl a queue
     * @param timeout how long to wait
     * @return the final, all-zero counts
     * @throws AssertionError if the queue still holds messages after {@code timeout}, showing its counts
     */
    public QueueCounts awaitDrained(String queueUrl, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            QueueCounts counts = counts(queueUrl);
            if (counts.total() == 0) {
                return counts;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("queue " + queueUrl + " not drained within " + timeout + ": "
                        + counts.visible() + " visible, " + counts.notVisible() + " in flight, " + counts.delayed()
                        + " delayed");
            }
            try {
                Thread.sleep(DRAIN_POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + queueUrl + " to drain", e);
            }
        }
    }

    /**
     * Reads every visible message of a queue, with all its message attributes and system attributes, and leaves
     * them there, visible again: for asserting on a dead-letter queue. Decode sqs-reliable's failure record with
     * {@code FailureRecord.of(message.messageAttributes())}.
     *
     * <p>On a FIFO queue, SQS hides a group's later messages while earlier ones are in flight, so this returns at
     * most the first batch of each message group; use {@link #takeAll(String)} there.
     *
     * @param queueUrl a queue
     * @return its visible messages, in the order received
     */
    public List<Message> readAll(String queueUrl) {
        List<Message> messages = receiveAll(queueUrl, false);
        for (int start = 0; start < messages.size(); start += BATCH) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < Math.min(start + BATCH, messages.size()); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i - start))
                        .receiptHandle(messages.get(i).receiptHandle()).visibilityTimeout(0).build());
            }
            client.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(entries)).join();
        }
        return messages;
    }

    /**
     * Receives and deletes every visible message of a queue, with all its message attributes and system
     * attributes. Works on FIFO queues too.
     *
     * @param queueUrl a queue
     * @return the messages it held, in the order received
     */
    public List<Message> takeAll(String queueUrl) {
        return receiveAll(queueUrl, true);
    }

    private List<Message> receiveAll(String queueUrl, boolean delete) {
        Map<String, Message> received = new LinkedHashMap<>();
        while (true) {
            List<Message> batch = client.receiveMessage(ReceiveMessageRequest.builder()
                    .queueUrl(queueUrl)
                    .maxNumberOfMessages(BATCH)
                    .waitTimeSeconds(0)
                    .visibilityTimeout(READ_VISIBILITY_SECONDS)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .build()).join().messages();
            if (batch.isEmpty()) {
                return List.copyOf(received.values());
            }
            batch.forEach(message -> received.putIfAbsent(message.messageId(), message));
            if (delete) {
                List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                            .receiptHandle(batch.get(i).receiptHandle()).build());
                }
                client.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).join();
            }
        }
    }

    /** Stops a server from {@link #start(int)} and closes its client; does nothing on {@link #shared()}. */
    @Override
    public void close() {
        if (owned) {
            stop();
        }
    }

    private static void awaitAll(List<CompletableFuture<SendMessageBatchResponse>> sends) {
        for (CompletableFuture<SendMessageBatchResponse> send : sends) {
            SendMessageBatchResponse response = send.join();
            if (!response.failed().isEmpty()) {
                throw new IllegalStateException("send failed: " + response.failed());
            }
        }
        sends.clear();
    }

    private void stop() {
        client.close();
        server.stopAndWait();
    }

    /**
     * Exact queue counters.
     *
     * @param visible messages ready to be received
     * @param notVisible messages received and not yet deleted or visible again
     * @param delayed messages not yet delivered because of a delay
     */
    public record QueueCounts(long visible, long notVisible, long delayed) {
        /** @return all messages still on the queue */
        public long total() {
            return visible + notVisible + delayed;
        }
    }
}
