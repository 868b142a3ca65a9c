package io.github.sqsreliable.benchmarks.scenario;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.benchmarks.measure.HeapPeak;
import io.github.sqsreliable.benchmarks.measure.ResourceProbe;
import io.github.sqsreliable.benchmarks.raw.RawLoops;
import io.github.sqsreliable.benchmarks.sqs.Clients;
import io.github.sqsreliable.benchmarks.sqs.RequestCounter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The consumer side of {@link ConsumerJvm}: runs in a JVM of its own, whose small heap makes the library's default
 * byte budget (a quarter of it) matter, and whose CPU, GC and heap are then the consumer's alone. Prints
 * {@code READY <max heap bytes> <default byte budget>}, then answers each command on standard input with one line,
 * and exits when its input closes:
 * <ul>
 *   <li>{@code library <queue url> <n> <body bytes>}: the library with its defaults (client, queue, handler) until
 *       {@code n} messages are deleted; the handler checks each body's length.</li>
 *   <li>{@code raw <queue url> <n> <chains>}: the async raw loop ({@link RawLoops#async}).</li>
 * </ul>
 * The answer is {@code DONE <msg/s> <cpu ns> <gc ms> <compile ms> <peak heap bytes> <most heap after a collection,
 * bytes> <api>=<count>,...} (the heap's figures from {@link HeapPeak}) or
 * {@code FAILED <reason>}. The JVM is started with {@code -XX:+ExitOnOutOfMemoryError}: running out of heap ends it.
 */
public final class ConsumerJvmMain {

    private static final long RUN_TIMEOUT_MINUTES = 10;

    private ConsumerJvmMain() {
    }

    /** @param args the SQS endpoint */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // The library warns that the benchmark queues have no dead-letter queue; that is intended here.
        System.setProperty("org.slf4j.simpleLogger.log.io.github.sqsreliable", "error");
        RequestCounter counter = new RequestCounter();
        SqsAsyncClient sqs = Clients.async(Bench.RECOMMENDED, URI.create(args[0]), counter);
        long maxHeap = Runtime.getRuntime().maxMemory();
        // The library's default budget, as SqsConsumer.Builder derives it (it does not expose the figure).
        long budget = Math.max(10L << 20, (long) (maxHeap * SqsConsumer.Builder.DEFAULT_HELD_BYTES_HEAP_FRACTION));
        System.out.println("READY " + maxHeap + " " + budget);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] command = line.split(" ");
            String answer;
            try {
                answer = switch (command[0]) {
                    case "library" -> measure(counter, library(sqs, command[1], Integer.parseInt(command[2]),
                            Integer.parseInt(command[3])));
                    case "raw" -> measure(counter, () -> new Outcome(RawLoops.async(sqs, command[1],
                            Integer.parseInt(command[2]), Integer.parseInt(command[3])).messagesPerSecond(), () -> { }));
                    default -> "FAILED unknown command " + line;
                };
            } catch (RuntimeException e) {
                answer = "FAILED " + e.toString().replace('\n', ' ');
            }
            System.out.println(answer);
            System.out.flush();
        }
        sqs.close();
        System.exit(0);
    }

    /** A run's rate, and what to do once its figures are read (close the consumer). */
    private record Outcome(double messagesPerSecond, Runnable afterwards) {}

    /**
     * Runs {@code run} and reads its figures as soon as its rate is known, before the consumer closes; closes it
     * before answering, so that the parent does not delete the queue under it.
     */
    private static String measure(RequestCounter counter, Supplier<Outcome> run) {
        counter.reset();
        System.gc();
        ResourceProbe probe = ResourceProbe.start();
        long compileAtStart = Jit.compileMillis();
        String answer;
        try (HeapPeak heap = HeapPeak.start()) {
            Outcome outcome = run.get();
            answer = String.format(Locale.ROOT, "DONE %.3f %d %d %d %d %d %s", outcome.messagesPerSecond(),
                    probe.cpuNanosSinceStart(), probe.gcMillisSinceStart(), Jit.compileMillis() - compileAtStart,
                    heap.peakBytes(), heap.mostAfterCollectionBytes(), requests(counter.snapshot()));
            outcome.afterwards().run();
        }
        return answer;
    }

    private static String requests(Map<String, Long> counts) {
        return counts.isEmpty() ? "-" : counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /**
     * As {@code Bench.unwatched}: no listener; the handler's n-th call wakes this thread, which then reads the
     * metrics every 0.2 ms until the last delete is confirmed. The figures are read before the consumer closes,
     * and it closes before the answer, so that the queue is not deleted under it.
     */
    private static Supplier<Outcome> library(SqsAsyncClient sqs, String queue, int n, int bodyBytes) {
        return () -> {
            AtomicInteger handled = new AtomicInteger();
            AtomicLong wrongSize = new AtomicLong();
            CountDownLatch allHandled = new CountDownLatch(1);
            SqsConsumer consumer = SqsConsumer.builder().sqsClient(sqs).queueUrl(queue).handler(message -> {
                if (message.body().length() != bodyBytes) {
                    wrongSize.incrementAndGet();
                }
                if (handled.incrementAndGet() == n) {
                    allHandled.countDown();
                }
            }).build();
            long start = System.nanoTime();
            consumer.start();
            try {
                if (!allHandled.await(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("a run stalled: " + handled.get() + " of " + n
                            + " messages handled after " + RUN_TIMEOUT_MINUTES + " minutes");
                }
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(RUN_TIMEOUT_MINUTES);
                while (consumer.metrics().deleted() < n) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("a run stalled: " + consumer.metrics().deleted() + " of " + n
                                + " messages deleted after " + RUN_TIMEOUT_MINUTES + " minutes");
                    }
                    LockSupport.parkNanos(200_000);
                }
                double rate = n / ((System.nanoTime() - start) / 1e9);
                if (wrongSize.get() > 0) {
                    throw new IllegalStateException(wrongSize.get() + " bodies were not " + bodyBytes + " bytes long");
                }
                return new Outcome(rate, consumer::close);
            } catch (InterruptedException e) {
                consumer.close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (RuntimeException e) {
                consumer.close();
                throw e;
            }
        };
    }
}
