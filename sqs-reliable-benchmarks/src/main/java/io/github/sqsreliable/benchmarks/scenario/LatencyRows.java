package io.github.sqsreliable.benchmarks.scenario;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.benchmarks.raw.AsyncFifoLoop;
import io.github.sqsreliable.benchmarks.raw.RawLoops;
import io.github.sqsreliable.benchmarks.report.ScenarioResult;
import io.github.sqsreliable.benchmarks.sqs.Clients;
import io.github.sqsreliable.benchmarks.sqs.LatencyProxyProcess;
import io.github.sqsreliable.benchmarks.sqs.ReceiveConcurrency;
import io.github.sqsreliable.benchmarks.sqs.RequestCounter;
import io.github.sqsreliable.benchmarks.sqs.Workloads;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Scenarios N and N-fifo: the raw loops and the library's defaults through a {@link LatencyProxyProcess}, so
 * that every request takes about 20 ms as SQS does within a region, instead of well under a millisecond on
 * loopback. Throughput is then bound by the receives in flight, not by the two cores: each library row gets a
 * note with the Little's-law bound its receives in flight allow. The rows run on clients of their own (the
 * same {@link Clients#async} settings as every other row, pointed at the proxy), measured in turns with their
 * baselines. A contender (another library) is one more row: see {@link #contender}.
 */
public final class LatencyRows implements AutoCloseable {

    /** Message groups in N-fifo. */
    public static final int FIFO_GROUPS = 50;
    /**
     * Receives in flight of the raw standard-queue loops: at 20 ms per request 64 beat 32 and 16 (in side runs,
     * 9,900, 6,000 and 3,200 msg/s), so quick mode measures 32 and 64 only.
     */
    private static final List<Integer> RAW_CHAINS = List.of(16, 32, 64);
    /** Receives in flight of the raw FIFO loops (32 beat 16: 4,700 and 2,700 msg/s in a side run). */
    private static final List<Integer> RAW_FIFO_CHAINS = List.of(16, 32);
    /** The fewest receives in flight a quick run measures a raw loop with. */
    private static final int QUICK_MIN_CHAINS = 32;
    private static final int DELAY_PROBES = 100;

    /** What a contender's run did. */
    public record Outcome(double messagesPerSecond, long orderViolations) {
    }

    /** One measured run of a contender: consume {@code messages} from {@code queueUrl}, then return. */
    @FunctionalInterface
    public interface ContenderRun {
        /**
         * @param sqs an async client through the proxy, with the benchmark's connection budget
         * @param queueUrl a queue holding {@code messages} messages (bodies {@code "<group>:<sequence>"} on FIFO)
         * @param messages how many to consume
         * @return the rate (and order violations on FIFO, -1 when not checked)
         */
        Outcome run(SqsAsyncClient sqs, String queueUrl, int messages);
    }

    private final Bench bench;
    private final LatencyProxyProcess proxy;
    private final URI direct;
    private final Sizes sizes;
    private final LongSupplier serverCpuNanos;
    private final PrintStream log;
    private final RequestCounter counter = new RequestCounter();
    private final ReceiveConcurrency receives = new ReceiveConcurrency(counter);
    private final SqsAsyncClient sqs;
    private final SqsClient prepare;
    private final Workloads workloads;
    /** Receive figures of each row's runs, the unmeasured warm-up first. */
    private final Map<String, List<ReceiveConcurrency.Snapshot>> receiveFigures = new ConcurrentHashMap<>();
    /** The ids of the rows on FIFO queues. */
    private final java.util.Set<String> fifoIds = ConcurrentHashMap.newKeySet();
    private String delayNote = "";

    /**
     * @param bench runs library consumers and closes them in the background
     * @param direct the server itself (queues are filled and deleted directly)
     * @param proxy the proxy in front of it
     */
    public LatencyRows(Bench bench, URI direct, LatencyProxyProcess proxy, Sizes sizes, LongSupplier serverCpuNanos,
            PrintStream log) {
        this.bench = bench;
        this.proxy = proxy;
        this.direct = direct;
        this.sizes = sizes;
        this.serverCpuNanos = serverCpuNanos;
        this.log = log;
        this.sqs = Clients.async(Bench.RECOMMENDED, proxy.endpoint(), receives);
        this.prepare = Clients.apacheSync(direct, new RequestCounter());
        this.workloads = new Workloads(prepare);
    }

    /**
     * Times {@value #DELAY_PROBES} small requests through the proxy and directly, prints what the proxy adds and
     * keeps it for the rows' notes.
     */
    public void measureDelay() {
        try (SqsClient proxied = Clients.apacheSync(proxy.endpoint(), new RequestCounter());
             SqsClient straight = Clients.apacheSync(direct, new RequestCounter())) {
            double through = medianMillis(proxied);
            double without = medianMillis(straight);
            delayNote = String.format("the proxy holds each byte %d ms each way: a ListQueues took %.1f ms through "
                            + "it against %.1f ms directly (medians of %d)", proxy.delayEachWay().toMillis(), through,
                    without, DELAY_PROBES);
            log.println("latency proxy: " + delayNote);
        }
    }

    private static double medianMillis(SqsClient client) {
        for (int i = 0; i < DELAY_PROBES / 5; i++) {
            client.listQueues(); // connections and JIT warm
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < DELAY_PROBES; i++) {
            long start = System.nanoTime();
            client.listQueues();
            millis.add((System.nanoTime() - start) / 1e6);
        }
        millis.sort(null);
        return millis.get(millis.size() / 2);
    }

    /** The rows of N (standard queue): raw loops at several depths, one with workers, and the library. */
    public List<Row> standardRows() {
        List<Row> rows = new ArrayList<>();
        for (int chains : chains(RAW_CHAINS)) {
            rows.add(raw("raw-net-crt-" + chains, chains, false));
        }
        if (sizes.mode().equals("full")) { // quick mode stays under 3 minutes
            rows.add(raw("raw-net-crt-32-workers", 32, true));
        }
        rows.add(measuredRow("N", "N: no-op handler, default settings, ~20 ms per request (CRT client)", false,
                (client, queue, n) -> new Outcome(bench.unwatched(n,
                        SqsConsumer.builder().sqsClient(client).queueUrl(queue), message -> { }), -1)));
        return rows;
    }

    /** The rows of N-fifo: the async raw FIFO loops and the library, {@value #FIFO_GROUPS} groups, order checked. */
    public List<Row> fifoRows() {
        List<Row> rows = new ArrayList<>();
        for (int chains : chains(RAW_FIFO_CHAINS)) {
            rows.add(measuredRow("raw-net-fifo-" + chains, "raw FIFO loop, CRT async client, " + chains
                    + " receives in flight, each batch checked and deleted before its chain receives again, "
                    + FIFO_GROUPS + " groups, ~20 ms per request", true, (client, queue, count) -> {
                        RawLoops.LoopResult result = AsyncFifoLoop.run(client, queue, count, chains);
                        return new Outcome(result.messagesPerSecond(), result.orderViolations());
                    }));
        }
        rows.add(measuredRow("N-fifo", "N-fifo: FIFO, " + FIFO_GROUPS + " groups, default settings, ~20 ms per "
                + "request (CRT client)", true, (client, queue, count) -> {
                    Map<String, Integer> next = new ConcurrentHashMap<>();
                    AtomicLong violations = new AtomicLong();
                    double rate = bench.unwatched(count, SqsConsumer.builder().sqsClient(client).queueUrl(queue),
                            message -> {
                                if (RawLoops.outOfOrder(message.body(), next)) {
                                    violations.incrementAndGet();
                                }
                            });
                    return new Outcome(rate, violations.get());
                }));
        return rows;
    }

    private List<Integer> chains(List<Integer> all) {
        return sizes.mode().equals("full") ? all : all.stream().filter(chains -> chains >= QUICK_MIN_CHAINS).toList();
    }

    /**
     * A contender's row on the same workload, client and proxy, to add to {@link #standardRows()} or
     * {@link #fifoRows()} before they are measured. Its id must not start with {@code raw-}; it is compared with
     * the same best raw loop as N (or N-fifo when {@code fifo}).
     */
    public Row contender(String id, String title, boolean fifo, ContenderRun run) {
        return measuredRow(id, title, fifo, run);
    }

    private Row raw(String id, int chains, boolean workers) {
        String title = "raw loop, CRT async client, " + chains + " receives in flight"
                + (workers ? ", handler and delete on " + SqsConsumer.Builder.DEFAULT_MAX_CONCURRENCY
                + " worker threads" : "") + ", ~20 ms per request";
        return measuredRow(id, title, false, (client, queue, n) -> new Outcome((workers
                ? RawLoops.asyncWithWorkers(client, queue, n, chains, SqsConsumer.Builder.DEFAULT_MAX_CONCURRENCY)
                : RawLoops.async(client, queue, n, chains)).messagesPerSecond(), -1));
    }

    private Row measuredRow(String id, String title, boolean fifo, ContenderRun run) {
        int n = sizes.networkMessages();
        if (fifo) {
            fifoIds.add(id);
        }
        return new Row(id, title, n, null, Double.NaN, () -> fill(fifo, n), bench::deleteWhenClosed, queue -> {
            receives.watch(queue);
            Outcome outcome = run.run(sqs, queue, n);
            receiveFigures.computeIfAbsent(id, key -> new ArrayList<>()).add(receives.snapshot());
            return new Row.Run(outcome.messagesPerSecond(), outcome.orderViolations());
        }, null, null, null, counter, serverCpuNanos, log);
    }

    private String fill(boolean fifo, int n) {
        if (fifo) {
            String queue = workloads.fifoQueue("net-fifo");
            workloads.fillFifo(queue, n, FIFO_GROUPS);
            return queue;
        }
        String queue = workloads.standardQueue("net", 30);
        workloads.fill(queue, n);
        return queue;
    }

    /**
     * The measured rows with their ratios: the raw standard loops and N against the best raw standard loop without
     * workers, the raw FIFO loops and N-fifo against the best raw FIFO loop; each with a note of its receives in
     * flight, receive round trip and the Little's-law bound they allow.
     */
    public List<ScenarioResult> compared(List<ScenarioResult> measured) {
        ScenarioResult bestRaw = best(measured, id -> id.startsWith("raw-net-crt-") && !id.endsWith("-workers"));
        ScenarioResult bestFifo = best(measured, id -> id.startsWith("raw-net-fifo-"));
        List<ScenarioResult> rows = new ArrayList<>();
        for (ScenarioResult row : measured) {
            ScenarioResult base = fifoIds.contains(row.id()) ? bestFifo : bestRaw;
            ScenarioResult compared = row == base || base == null ? row
                    : row.withRatio(base.id(), row.median() / base.median());
            List<String> notes = new ArrayList<>(List.of(receiveNote(row)));
            if (!row.id().startsWith("raw-") && !delayNote.isEmpty()) {
                notes.add(row.id() + ": " + delayNote);
            }
            rows.add(compared.withNotes(notes));
        }
        return rows;
    }

    private static ScenarioResult best(List<ScenarioResult> rows, java.util.function.Predicate<String> which) {
        return rows.stream().filter(row -> which.test(row.id()))
                .max(Comparator.comparingDouble(ScenarioResult::median)).orElse(null);
    }

    /** Medians over the measured runs (the warm-up's figures are left out). */
    private String receiveNote(ScenarioResult row) {
        List<ReceiveConcurrency.Snapshot> all = receiveFigures.getOrDefault(row.id(), List.of());
        List<ReceiveConcurrency.Snapshot> runs = all.size() > 1 ? all.subList(1, all.size()) : all;
        if (runs.isEmpty()) {
            return "";
        }
        double mean = median(runs.stream().mapToDouble(ReceiveConcurrency.Snapshot::meanInFlight).toArray());
        int max = runs.stream().mapToInt(ReceiveConcurrency.Snapshot::maxInFlight).max().orElse(0);
        double roundTrip = median(runs.stream().mapToDouble(ReceiveConcurrency.Snapshot::roundTripMillis).toArray());
        double perReceive = median(runs.stream().mapToDouble(ReceiveConcurrency.Snapshot::messagesPerReceive)
                .toArray());
        double bound = max * 10 / (roundTrip / 1000);
        return String.format("%s: receives in flight %.1f on average, at most %d; a receive that returned messages "
                        + "took %.1f ms and returned %.1f; Little's law: %d receives in flight × 10 / %.1f ms = "
                        + "%,.0f msg/s, of which the median rate is %.2f", row.id(), mean, max, roundTrip,
                perReceive, max, roundTrip, bound, row.median() / bound);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Waits for the library consumers still closing (they use this client), then closes the clients. */
    @Override
    public void close() {
        bench.awaitClosed();
        sqs.close();
        prepare.close();
    }
}
