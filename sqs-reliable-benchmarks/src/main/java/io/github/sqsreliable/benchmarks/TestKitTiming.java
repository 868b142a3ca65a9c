package io.github.sqsreliable.benchmarks;

import io.github.sqsreliable.SqsConsumer;
import com.sun.management.OperatingSystemMXBean;
import io.github.sqsreliable.test.EmbeddedSqs;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * What a handler test costs: start the embedded ElasticMQ, start a consumer, consume 10 messages, close. Prints one
 * line per phase for the first run (which pays the ElasticMQ start and the JVM's warm-up, shown in wall-clock and
 * CPU time, as a busy machine stretches the former) and then the mean of warm runs for each group of settings, so
 * that docs/testing.md can quote the figures.
 *
 * <pre>
 * mvn -B -q -pl sqs-reliable-benchmarks -am install -DskipTests
 * mvn -B -q -pl sqs-reliable-benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp sqs-reliable-benchmarks/target/classes:$(cat sqs-reliable-benchmarks/target/classpath.txt) \
 *     io.github.sqsreliable.benchmarks.TestKitTiming
 * </pre>
 */
public final class TestKitTiming {

    private static final int MESSAGES = 10;
    private static final int WARM_RUNS = 3;

    private TestKitTiming() {
    }

    /** @param args {@code --first-only} to stop after the first test (for comparing JVM options) */
    public static void main(String[] args) throws Exception {
        // ElasticMQ's threads are not daemons: without System.exit, a failed run would never end.
        int status = 0;
        try {
            measure(List.of(args).contains("--first-only"));
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static void measure(boolean firstOnly) throws InterruptedException {
        // The consumers here have no dead-letter queue on purpose; their warnings would bury the figures.
        System.setProperty("org.slf4j.simpleLogger.log.io.github.sqsreliable", "error");
        UnaryOperator<SqsConsumer.Builder> defaults = builder -> builder;
        UnaryOperator<SqsConsumer.Builder> noShutdownWait = builder -> builder
                .shutdownTimeout(Duration.ZERO);
        UnaryOperator<SqsConsumer.Builder> shortPollsNoShutdownWait = builder -> builder
                .waitTime(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ZERO);

        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long before = System.nanoTime();
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        long elasticMqStart = System.nanoTime() - before;
        long elasticMqCpu = os.getProcessCpuTime() - cpuBefore;
        Phases first = run(sqs, noShutdownWait);
        long firstCpu = os.getProcessCpuTime() - cpuBefore;
        System.out.printf("first test, shutdownTimeout 0 s: ElasticMQ start %d ms (%d ms CPU) + %s"
                        + " = %d ms (%d ms CPU), on %d processors, load average %.1f%n",
                millis(elasticMqStart), millis(elasticMqCpu), first, millis(elasticMqStart) + first.totalMillis(),
                millis(firstCpu), os.getAvailableProcessors(), os.getSystemLoadAverage());
        if (firstOnly) {
            return;
        }
        report(sqs, "defaults (waitTime 20 s, shutdownTimeout 30 s)", defaults);
        report(sqs, "shutdownTimeout 0 s", noShutdownWait);
        report(sqs, "waitTime 1 s, shutdownTimeout 0 s", shortPollsNoShutdownWait);
    }

    private static void report(EmbeddedSqs sqs, String label, UnaryOperator<SqsConsumer.Builder> settings)
            throws InterruptedException {
        long worstClose = 0;
        long total = 0;
        for (int i = 0; i < WARM_RUNS; i++) {
            Phases phases = run(sqs, settings);
            worstClose = Math.max(worstClose, phases.closeMillis());
            total += phases.totalMillis();
        }
        System.out.printf("warm, %s: mean %d ms a test, slowest close() %d ms%n", label, total / WARM_RUNS,
                worstClose);
    }

    private static Phases run(EmbeddedSqs sqs, UnaryOperator<SqsConsumer.Builder> settings)
            throws InterruptedException {
        long start = System.nanoTime();
        String queueUrl = sqs.createQueue();
        sqs.sendMessages(queueUrl, MESSAGES);
        CountDownLatch handled = new CountDownLatch(MESSAGES);
        SqsConsumer consumer = settings.apply(SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .handler(message -> handled.countDown()))
                .build();
        consumer.start();
        long started = System.nanoTime();
        if (!handled.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("10 messages not handled within 30 s");
        }
        sqs.awaitDrained(queueUrl, Duration.ofSeconds(10));
        long consumed = System.nanoTime();
        consumer.close();
        long closed = System.nanoTime();
        return new Phases(millis(started - start), millis(consumed - started), millis(closed - consumed));
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private record Phases(long setupMillis, long consumeMillis, long closeMillis) {
        long totalMillis() {
            return setupMillis + consumeMillis + closeMillis;
        }

        @Override
        public String toString() {
            return "queue, send and start " + setupMillis + " ms + consume " + consumeMillis + " ms + close "
                    + closeMillis + " ms";
        }
    }
}
