package io.github.sqsreliable.test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The one embedded SQS every module's tests share: an in-process ElasticMQ on a free loopback port, started
 * once per JVM on first use and stopped when the JVM exits. Hands out configured clients and fresh queues, so
 * tests never share queue state.
 *
 * <pre>{@code
 * EmbeddedSqs sqs = EmbeddedSqs.shared();
 * String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
 * }</pre>
 */
public final class EmbeddedSqs {

    private static final Object LOCK = new Object();
    private static EmbeddedSqs shared;
    private static final AtomicLong QUEUE_SEQUENCE = new AtomicLong();

    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsAsyncClient client;

    private EmbeddedSqs() {
        this.server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.client = newClient();
    }

    /**
     * The JVM's embedded SQS, started on first call.
     *
     * @return the shared instance
     */
    public static EmbeddedSqs shared() {
        synchronized (LOCK) {
            if (shared == null) {
                EmbeddedSqs started = new EmbeddedSqs();
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "embedded-sqs-stop"));
                shared = started;
            }
            return shared;
        }
    }

    /** @return the server's endpoint, e.g. {@code http://127.0.0.1:41234} */
    public URI endpoint() {
        return endpoint;
    }

    /** @return a client shared by tests; do not close it */
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
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
        for (ExecutionInterceptor interceptor : interceptors) {
            override.addExecutionInterceptor(interceptor);
        }
        return SqsAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(200)
                        .connectionAcquisitionTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(override.build())
                .build();
    }

    /**
     * Creates a queue with a unique name.
     *
     * @param spec what kind of queue
     * @return its URL
     */
    public String createQueue(QueueSpec spec) {
        String name = spec.namePrefix() + "-" + QUEUE_SEQUENCE.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 8) + (spec.fifo() ? ".fifo" : "");
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

    /** @return the URL of a new standard queue with a 30 s visibility timeout */
    public String createQueue() {
        return createQueue(QueueSpec.standard());
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
     * Sends bodies to a standard queue in batches of 10, many batches in flight at once.
     *
     * @param queueUrl a standard queue
     * @param bodies the bodies
     */
    public void sendAll(String queueUrl, List<String> bodies) {
        List<CompletableFuture<SendMessageBatchResponse>> sends = new ArrayList<>();
        for (int start = 0; start < bodies.size(); start += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < Math.min(start + 10, bodies.size()); i++) {
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
     * Sends one FIFO message group's bodies in order (batches of 10, one batch at a time).
     *
     * @param queueUrl a FIFO queue
     * @param groupId the message group
     * @param bodies the bodies, in order; each body is also its deduplication id's seed
     */
    public void sendGroupInOrder(String queueUrl, String groupId, List<String> bodies) {
        for (int start = 0; start < bodies.size(); start += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < Math.min(start + 10, bodies.size()); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i - start))
                        .messageBody(bodies.get(i)).messageGroupId(groupId)
                        .messageDeduplicationId(groupId + "-" + i).build());
            }
            SendMessageBatchResponse response = client.sendMessageBatch(SendMessageBatchRequest.builder()
                    .queueUrl(queueUrl).entries(entries).build()).join();
            if (!response.failed().isEmpty()) {
                throw new IllegalStateException("send failed: " + response.failed());
            }
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
