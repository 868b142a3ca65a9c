package io.github.sqsreliable.benchmarks.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.benchmarks.peer.SpringCloudAwsConsumer;
import io.github.sqsreliable.benchmarks.raw.StoppableRawLoop;
import io.github.sqsreliable.benchmarks.sqs.Clients;
import io.github.sqsreliable.benchmarks.sqs.RequestCounter;
import io.github.sqsreliable.benchmarks.sqs.Workloads;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * How consumers shut down, with default settings: the library ({@link SqsConsumer}), Spring Cloud AWS with its
 * defaults and tuned as in scenario A, and the raw CRT loop (32 receive chains with 1 s long polls; its close waits
 * for the receives in flight, cancelling nothing). Each consumer has an SDK client of its own, closed after it as a
 * user's shutdown would.
 *
 * <ol>
 *   <li><b>Idle</b>: started on an empty queue and given 2 s to settle into long polls, then closed; the time
 *       close() (stop()) takes.
 *   <li><b>Abandoned long polls</b>: right after that close, the client is closed and 20 messages are sent to the
 *       queue within a second; 3 s later, how many are still invisible. A long poll the consumer left behind that
 *       the server still answers takes a message, which then stays invisible for the visibility timeout (30 s).
 *   <li><b>Under load</b>: close() called while a no-op handler consumes a full queue at full speed (after a
 *       quarter of it was handled); the time it takes, the messages handled but not deleted (each will be
 *       delivered again: a duplicate), and how many messages are invisible 1 s after the client too was closed
 *       (handled-not-deleted ones, and received ones neither handled nor handed back: all delayed by the
 *       visibility timeout).
 * </ol>
 *
 * The idle measurements of all consumers and repetitions run at the same time, each on its own queue (idle
 * consumers hardly load the machine, and quick mode has to stay short); the loaded ones one after the other.
 */
public final class CloseTimes {

    /** Messages sent after an idle close, to find abandoned long polls. */
    static final int PROBE_MESSAGES = 20;
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration PROBE_WAIT = Duration.ofSeconds(3);
    private static final int VISIBILITY_SECONDS = 30;
    private static final int RAW_CHAINS = Bench.RAW_ASYNC_CHAINS_DEEP;
    /** Spring Cloud AWS tuned as in scenario A: as many receives of 10 in flight as the raw loop's chains. */
    private static final int SCA_TUNED_CONCURRENCY = 10 * Bench.RAW_ASYNC_CHAINS_DEEP;

    /** The consumers compared. */
    enum Kind {
        LIBRARY("close", "sqs-reliable, default settings (wait time 20 s)"),
        SCA("close-sca", "Spring Cloud AWS, default settings (pollTimeout 10 s)"),
        SCA_TUNED("close-sca-tuned", "Spring Cloud AWS, tuned as in A (maxConcurrentMessages "
                + SCA_TUNED_CONCURRENCY + ")"),
        RAW("close-raw-crt-32", "raw CRT loop, " + RAW_CHAINS + " receive chains, 1 s long polls; close waits for "
                + "the receives in flight");

        final String id;
        final String title;

        Kind(String id, String title) {
            this.id = id;
            this.title = title;
        }
    }

    /**
     * One consumer's close figures, one entry per repetition.
     *
     * @param id e.g. {@code "close"} (the library) or {@code "close-sca"}
     * @param title what ran
     * @param idleCloseMillis close() on an idle queue
     * @param abandonedInvisible of {@value #PROBE_MESSAGES} messages sent right after the idle close and the
     *     client's, how many were still invisible 3 s later
     * @param loadMessages messages in the queue of each loaded run
     * @param loadCloseMillis close() while consuming at full speed
     * @param handledNotDeleted messages handled but not deleted by the loaded close: duplicates to come
     * @param invisibleAfterLoad messages invisible 1 s after the loaded close and the client's close
     */
    public record Result(String id, String title, List<Double> idleCloseMillis, List<Integer> abandonedInvisible,
            int loadMessages, List<Double> loadCloseMillis, List<Integer> handledNotDeleted,
            List<Integer> invisibleAfterLoad) {

        /** The median of some figures. */
        public static double median(List<? extends Number> values) {
            List<Double> sorted = new ArrayList<>(values.stream().map(Number::doubleValue).toList());
            Collections.sort(sorted);
            int size = sorted.size();
            return size % 2 == 1 ? sorted.get(size / 2) : (sorted.get(size / 2 - 1) + sorted.get(size / 2)) / 2;
        }

        /** The largest of some figures. */
        public static double max(List<? extends Number> values) {
            return values.stream().mapToDouble(Number::doubleValue).max().orElse(Double.NaN);
        }
    }

    /** A running consumer, whatever it is. */
    private interface Running extends AutoCloseable {
        int handled();

        int deleted();

        @Override
        void close();
    }

    private final URI endpoint;
    private final SqsClient prepare;
    private final Workloads workloads;
    private final int repetitions;
    private final int loadMessages;
    private final PrintStream log;
    private final AtomicInteger containers = new AtomicInteger();
    private final List<String> queues = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param endpoint the SQS server
     * @param repetitions of each measurement (3 quick, 5 full)
     * @param loadMessages messages in the queue of each loaded close
     * @param log where progress goes
     */
    public CloseTimes(URI endpoint, int repetitions, int loadMessages, PrintStream log) {
        this.endpoint = endpoint;
        this.prepare = Clients.apacheSync(endpoint, new RequestCounter());
        this.workloads = new Workloads(prepare);
        this.repetitions = repetitions;
        this.loadMessages = loadMessages;
        this.log = log;
    }

    /** Measures every consumer; returns one result each, the library's first. */
    public List<Result> measure() {
        long started = System.nanoTime();
        Map<Kind, List<IdleRun>> idle = new java.util.EnumMap<>(Kind.class);
        ExecutorService closers = Executors.newFixedThreadPool(Kind.values().length * repetitions, runnable -> {
            Thread thread = new Thread(runnable, "bench-close-times");
            thread.setDaemon(true);
            return thread;
        });
        try {
            log.printf("  idle close and abandoned long polls: %d consumers at once, each on its own queue%n",
                    Kind.values().length * repetitions);
            List<CompletableFuture<IdleRun>> runs = new ArrayList<>();
            List<Kind> kinds = new ArrayList<>();
            for (int r = 0; r < repetitions; r++) {
                for (Kind kind : Kind.values()) {
                    kinds.add(kind);
                    runs.add(CompletableFuture.supplyAsync(() -> idleRun(kind), closers));
                }
            }
            for (int i = 0; i < runs.size(); i++) {
                idle.computeIfAbsent(kinds.get(i), k -> new ArrayList<>()).add(runs.get(i).join());
            }
        } finally {
            closers.shutdown();
        }
        List<Result> results = new ArrayList<>();
        Map<Kind, List<LoadRun>> loaded = new java.util.EnumMap<>(Kind.class);
        for (int r = 0; r < repetitions; r++) {
            for (Kind kind : Kind.values()) {
                loaded.computeIfAbsent(kind, k -> new ArrayList<>()).add(loadRun(kind));
            }
        }
        for (Kind kind : Kind.values()) {
            List<IdleRun> idleRuns = idle.get(kind);
            List<LoadRun> loadRuns = loaded.get(kind);
            results.add(new Result(kind.id, kind.title, idleRuns.stream().map(IdleRun::closeMillis).toList(),
                    idleRuns.stream().map(IdleRun::invisible).toList(), loadMessages,
                    loadRuns.stream().map(LoadRun::closeMillis).toList(),
                    loadRuns.stream().map(LoadRun::handledNotDeleted).toList(),
                    loadRuns.stream().map(LoadRun::invisible).toList()));
        }
        deleteQueuesLater();
        log.printf("  close times measured in %.0f s%n", (System.nanoTime() - started) / 1e9);
        return results;
    }

    private record IdleRun(double closeMillis, int invisible) {
    }

    private record LoadRun(double closeMillis, int handledNotDeleted, int invisible) {
    }

    private IdleRun idleRun(Kind kind) {
        String queue = queue("close-idle");
        SqsAsyncClient client = Clients.async(Clients.AsyncKind.CRT, endpoint, new RequestCounter());
        Running consumer = start(kind, client, queue);
        sleep(SETTLE);
        long start = System.nanoTime();
        consumer.close();
        double millis = (System.nanoTime() - start) / 1e6;
        client.close();
        for (int batch = 0; batch < PROBE_MESSAGES / 10; batch++) {
            int first = batch * 10;
            prepare.sendMessageBatch(r -> r.queueUrl(queue).entries(probe(first, 10)));
            sleep(Duration.ofMillis(400));
        }
        sleep(PROBE_WAIT);
        int invisible = notVisible(queue);
        log.printf("  %-16s idle close %,.0f ms; of %d messages sent after it, %d invisible%n", kind.id, millis,
                PROBE_MESSAGES, invisible);
        return new IdleRun(millis, invisible);
    }

    private LoadRun loadRun(Kind kind) {
        String queue = queue("close-load");
        workloads.fill(queue, loadMessages);
        SqsAsyncClient client = Clients.async(Clients.AsyncKind.CRT, endpoint, new RequestCounter());
        Running consumer = start(kind, client, queue);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (consumer.handled() < loadMessages / 4) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(kind.id + " handled only " + consumer.handled() + " messages");
            }
            LockSupport.parkNanos(1_000_000); // a measurement's trigger, not a test: no handler pays for it
        }
        long start = System.nanoTime();
        consumer.close();
        double millis = (System.nanoTime() - start) / 1e6;
        int handledNotDeleted = consumer.handled() - consumer.deleted();
        client.close();
        sleep(Duration.ofSeconds(1));
        int invisible = notVisible(queue);
        log.printf("  %-16s close under load %,.0f ms: %,d handled, %,d deleted, %d handled but not deleted; "
                + "%d invisible after it%n", kind.id, millis, consumer.handled(), consumer.deleted(),
                handledNotDeleted, invisible);
        return new LoadRun(millis, handledNotDeleted, invisible);
    }

    private Running start(Kind kind, SqsAsyncClient client, String queue) {
        return switch (kind) {
            case LIBRARY -> {
                AtomicInteger handled = new AtomicInteger();
                SqsConsumer consumer = SqsConsumer.builder().sqsClient(client).queueUrl(queue)
                        .handler(message -> handled.incrementAndGet()).build();
                consumer.start();
                yield running(handled::get, () -> (int) consumer.metrics().deleted(), consumer::close);
            }
            case SCA, SCA_TUNED -> {
                SpringCloudAwsConsumer consumer = SpringCloudAwsConsumer.start(client, queue,
                        kind == Kind.SCA ? SpringCloudAwsConsumer.Settings.defaults()
                                : SpringCloudAwsConsumer.Settings.tuned(SCA_TUNED_CONCURRENCY),
                        "sca-close-" + containers.incrementAndGet(), message -> { }, count -> { });
                yield running(consumer::handled, consumer::deleted, consumer::close);
            }
            case RAW -> {
                StoppableRawLoop loop = StoppableRawLoop.start(client, queue, RAW_CHAINS);
                yield running(loop::handled, loop::deleted, loop::close);
            }
        };
    }

    private static Running running(IntSupplier handled, IntSupplier deleted, Runnable close) {
        return new Running() {
            @Override
            public int handled() {
                return handled.getAsInt();
            }

            @Override
            public int deleted() {
                return deleted.getAsInt();
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    private String queue(String prefix) {
        String queue = workloads.standardQueue(prefix, VISIBILITY_SECONDS);
        queues.add(queue);
        return queue;
    }

    private int notVisible(String queue) {
        return Integer.parseInt(prepare.getQueueAttributes(r -> r.queueUrl(queue)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static List<SendMessageBatchRequestEntry> probe(int first, int count) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id("p" + i).messageBody("probe-" + (first + i))
                    .build());
        }
        return entries;
    }

    /**
     * Deletes the queues once the long polls left on them have ended (a long poll on a deleted queue makes
     * ElasticMQ log an error), in the background: the benchmark does not wait for it.
     */
    private void deleteQueuesLater() {
        List<String> toDelete = List.copyOf(queues);
        Thread deleter = new Thread(() -> {
            sleep(SqsConsumer.Builder.DEFAULT_WAIT_TIME.plusSeconds(2));
            for (String queue : toDelete) {
                try {
                    prepare.deleteQueue(r -> r.queueUrl(queue));
                } catch (RuntimeException e) {
                    log.println("deleting the queue " + queue + " failed: " + e);
                }
            }
            prepare.close();
        }, "bench-close-queue-deletion");
        deleter.setDaemon(true);
        deleter.start();
    }

    /** Prints the results as a table. */
    public static void print(List<Result> results, PrintStream out) {
        out.println();
        out.println("| consumer | idle close, median (max) | left invisible by abandoned polls, of "
                + PROBE_MESSAGES + " | close under load, median (max) | handled, not deleted | invisible after |");
        out.println("|---|---|---|---|---|---|");
        for (Result result : results) {
            out.printf("| %s: %s | %,.0f ms (%,.0f) | %.0f (max %.0f) | %,.0f ms (%,.0f) | %.0f (max %.0f) | "
                            + "%.0f (max %.0f) |%n", result.id(), result.title(),
                    Result.median(result.idleCloseMillis()), Result.max(result.idleCloseMillis()),
                    Result.median(result.abandonedInvisible()), Result.max(result.abandonedInvisible()),
                    Result.median(result.loadCloseMillis()), Result.max(result.loadCloseMillis()),
                    Result.median(result.handledNotDeleted()), Result.max(result.handledNotDeleted()),
                    Result.median(result.invisibleAfterLoad()), Result.max(result.invisibleAfterLoad()));
        }
    }

    /** Adds the results to a written results.json as its {@code "close"} member. */
    public static void addTo(Path json, List<Result> results) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = (ObjectNode) mapper.readTree(json.toFile());
        root.set("close", mapper.valueToTree(results));
        Files.writeString(json, mapper.writeValueAsString(root) + System.lineSeparator());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
