package io.github.sqsreliable.it.memory;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.testing.SimulatedWork;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The child JVM of {@link LargeMessageMemoryIT}: consumes a queue of large messages with a small heap until it has
 * handled the expected count, then prints one line the test reads:
 * {@code RESULT handled=N distinct=N peakHeapMiB=X seconds=S}. Run with {@code -XX:+ExitOnOutOfMemoryError}, an
 * {@code OutOfMemoryError} ends it with exit code 3.
 *
 * <p>Arguments: endpoint, queue URL, expected messages, handler millis, max concurrency, and the byte budget
 * ({@code default} for the consumer's default).
 */
public final class LargeMessageConsumerProcess {

    private LargeMessageConsumerProcess() {
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String queueUrl = args[1];
        int expected = Integer.parseInt(args[2]);
        Duration handlerTime = Duration.ofMillis(Long.parseLong(args[3]));
        int maxConcurrency = Integer.parseInt(args[4]);
        String budget = args[5];

        Set<String> distinct = ConcurrentHashMap.newKeySet();
        AtomicInteger handled = new AtomicInteger();
        PeakHeap peak = new PeakHeap();
        peak.start();
        long started = System.nanoTime();
        try (SqsAsyncClient client = SqsAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .build()) {
            SqsConsumer.Builder builder = SqsConsumer.builder()
                    .sqsClient(client)
                    .queueUrl(queueUrl)
                    .maxConcurrency(maxConcurrency)
                    .handler(message -> {
                        if (message.body().length() < 100_000) {
                            throw new IllegalStateException("body cut short: " + message.body().length());
                        }
                        SimulatedWork.lasting(handlerTime);
                        distinct.add(message.messageId());
                        handled.incrementAndGet();
                    });
            if (!"default".equals(budget)) {
                builder.maxHeldBytes(Long.parseLong(budget));
            }
            try (SqsConsumer consumer = builder.build()) {
                consumer.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (consumer.metrics().deleted() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
        }
        peak.interrupt();
        System.out.printf("RESULT handled=%d distinct=%d peakHeapMiB=%.1f seconds=%.1f maxHeapMiB=%d%n",
                handled.get(), distinct.size(), peak.peakBytes() / 1048576.0,
                (System.nanoTime() - started) / 1e9, Runtime.getRuntime().maxMemory() >> 20);
    }

    /** Samples the heap in use every 5 ms, and reads each pool's peak, which the JVM tracks between samples. */
    private static final class PeakHeap extends Thread {
        private volatile long peak;

        PeakHeap() {
            super("peak-heap");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                peak = Math.max(peak, used);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long peakBytes() {
            long pools = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pools += pool.getPeakUsage().getUsed();
                }
            }
            // The sum of pool peaks over-counts (they peak at different times); the sampled total under-counts.
            // Report the sampled total, never more than the heap.
            return Math.min(peak, Math.max(peak, pools));
        }
    }
}
