package io.github.sqsreliable.chain;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.publish.OutgoingMessage;
import io.github.sqsreliable.publish.PublishResult;
import io.github.sqsreliable.publish.SqsPublisher;
import io.github.sqsreliable.test.internal.LocalClients;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The child JVM of {@link ChainStepCrashIT}: runs the chain step from the input queue to the next queue and halts
 * the JVM (exit code {@value #HALTED}) the moment SQS confirmed the given number of outputs, on the publisher's thread:
 * before any handler returned, so before any input could be deleted.
 *
 * <p>Arguments: endpoint, input queue URL, next queue URL, outputs to confirm before halting.
 */
public final class ChainStepProcess {

    static final int HALTED = 99;

    private ChainStepProcess() {
    }

    /**
     * The step both JVMs run: two outputs per input, in its group on FIFO queues.
     *
     * @param nextQueueUrl where the outputs go
     * @return the step
     */
    static ChainHandler step(String nextQueueUrl) {
        return (message, next) -> {
            next.send(nextQueueUrl, message.body() + "/out0");
            next.send(nextQueueUrl, message.body() + "/out1");
        };
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String inputUrl = args[1];
        String nextUrl = args[2];
        int haltAfter = Integer.parseInt(args[3]);
        try (SqsAsyncClient client = LocalClients.configure(SqsAsyncClient.builder(), endpoint, null).build();
             SqsPublisher publisher = new HaltingPublisher(SqsPublisher.builder().sqsClient(client).build(),
                     haltAfter);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(inputUrl)
                     .maxConcurrency(10)
                     // deletes wait for a full batch or a second: the halt comes first
                     .batchFlushInterval(Duration.ofSeconds(1))
                     .publisher(publisher)
                     .chainHandler(step(nextUrl))
                     .build()) {
            consumer.start();
            Thread.sleep(60_000); // the halt ends this JVM long before
        }
        System.exit(1);
    }

    /** Halts the JVM once SQS confirmed the given number of messages. */
    private static final class HaltingPublisher implements SqsPublisher {
        private final SqsPublisher delegate;
        private final int haltAfter;
        private final AtomicInteger confirmed = new AtomicInteger();

        HaltingPublisher(SqsPublisher delegate, int haltAfter) {
            this.delegate = delegate;
            this.haltAfter = haltAfter;
        }

        @Override
        public CompletableFuture<PublishResult> publish(String queueUrl, OutgoingMessage message) {
            return delegate.publish(queueUrl, message).whenComplete((result, error) -> {
                if (error == null && confirmed.incrementAndGet() == haltAfter) {
                    System.out.println("HALT after " + haltAfter + " confirmed outputs");
                    System.out.flush();
                    Runtime.getRuntime().halt(HALTED);
                }
            });
        }

        @Override
        public CompletableFuture<PublishResult> publish(String queueUrl, String body) {
            return publish(queueUrl, OutgoingMessage.of(body));
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
