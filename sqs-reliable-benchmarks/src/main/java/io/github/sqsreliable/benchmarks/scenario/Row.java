package io.github.sqsreliable.benchmarks.scenario;

import io.github.sqsreliable.benchmarks.measure.HandlerStartLatency;
import io.github.sqsreliable.benchmarks.measure.RedisCommandCounter;
import io.github.sqsreliable.benchmarks.measure.ResourceProbe;
import io.github.sqsreliable.benchmarks.report.ScenarioResult;
import io.github.sqsreliable.benchmarks.sqs.RequestCounter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One row of results while it is measured: an unmeasured warm-up run, then repetitions, each on a fresh queue, whose
 * figures add up. Rows compared with each other are measured in turns (one repetition of each, then the next), so
 * that the drift of a run (the servers' JIT warming, the machine's other load) falls on all of them alike.
 */
public final class Row {

    /**
     * One repetition's outcome.
     *
     * @param consumerJvm the consumer's CPU, GC, JIT, peak heap and SQS requests when it ran in a JVM of its own
     *     ({@link ConsumerJvm}), or {@code null} when it ran in this one and they are measured here
     */
    record Run(double messagesPerSecond, long orderViolations, ConsumerJvm.Figures consumerJvm) {

        Run(double messagesPerSecond, long orderViolations) {
            this(messagesPerSecond, orderViolations, null);
        }
    }

    private final String id;
    private final String title;
    private final int messages;
    private final String baselineId;
    private final double ideal;
    private final Supplier<String> setup;
    private final Consumer<String> teardown;
    private final Function<String, Run> body;
    private final Function<String, Run> watchedBody;
    private final HandlerStartLatency latency;
    private final RedisCommandCounter redis;
    private final RequestCounter requests;
    private final LongSupplier serverCpuNanos;
    private final PrintStream log;

    private final List<Double> rates = new ArrayList<>();
    private final Map<String, Long> requestCounts = new LinkedHashMap<>();
    private long commands;
    private long violations = -1;
    private long cpuNanos;
    private long compileMillis;
    private long wallNanos;
    private long serverNanos;
    // -1 once any run could not count them
    private long contextSwitches;
    private double peakHeap;
    // the most a consumer JVM's heap held right after a collection, or NaN when the consumer ran in this JVM
    private double heapAfterCollection = Double.NaN;

    Row(String id, String title, int messages, String baselineId, double ideal, Supplier<String> setup,
            Consumer<String> teardown, Function<String, Run> body, Function<String, Run> watchedBody,
            HandlerStartLatency latency, RedisCommandCounter redis, RequestCounter requests, LongSupplier serverCpuNanos,
            PrintStream log) {
        this.watchedBody = watchedBody;
        this.id = id;
        this.title = title;
        this.messages = messages;
        this.baselineId = baselineId;
        this.ideal = ideal;
        this.setup = setup;
        this.teardown = teardown;
        this.body = body;
        this.latency = latency;
        this.redis = redis;
        this.requests = requests;
        this.serverCpuNanos = serverCpuNanos;
        this.log = log;
    }

    /** The row's id, e.g. {@code "A"}. */
    public String id() {
        return id;
    }

    /** One unmeasured run: the JIT, connection pools and the server's queue code are then warm. */
    void warmUp() {
        log.printf("  %-10s %s (warm-up)%n", id, title);
        String queue = setup.get();
        body.apply(queue);
        teardown.accept(queue);
        if (latency != null) {
            latency.reset();
        }
    }

    /** @return whether this row times its latency in a run of its own (see {@link #latencyRun()}) */
    boolean hasLatencyRun() {
        return watchedBody != null && latency != null;
    }

    /**
     * For a row whose measured repetitions run without the latency listener: one more run with it, timing
     * receive-to-handler latency only (its rate, CPU and requests are not counted).
     */
    void latencyRun() {
        if (!hasLatencyRun()) {
            return;
        }
        log.printf("  %-10s latency run (receive to handler timed; not counted in the other figures)%n", id);
        String queue = setup.get();
        latency.reset();
        watchedBody.apply(queue);
        teardown.accept(queue);
    }

    /** One measured repetition on a fresh queue. */
    void repeat() {
        String queue = setup.get();
        requests.reset();
        if (redis != null) {
            redis.reset();
        }
        System.gc();
        ResourceProbe probe = ResourceProbe.start();
        long serverAtStart = serverCpuNanos.getAsLong();
        long compileAtStart = Jit.compileMillis();
        long wallStart = System.nanoTime();
        Run run = body.apply(queue);
        ConsumerJvm.Figures elsewhere = run.consumerJvm();
        long runCpuNanos = elsewhere == null ? probe.cpuNanosSinceStart() : elsewhere.cpuNanos();
        long runSwitches = probe.contextSwitchesSinceStart();
        long runGcMillis = elsewhere == null ? probe.gcMillisSinceStart() : elsewhere.gcMillis();
        long runWallNanos = System.nanoTime() - wallStart;
        long runCompileMillis = elsewhere == null ? Jit.compileMillis() - compileAtStart : elsewhere.compileMillis();
        long serverAtEnd = serverCpuNanos.getAsLong();
        teardown.accept(queue);
        // -1 when the servers' CPU is unknown
        long runServerNanos = serverAtStart < 0 || serverAtEnd < 0 ? -1 : serverAtEnd - serverAtStart;
        cpuNanos += runCpuNanos;
        contextSwitches = contextSwitches < 0 || runSwitches < 0 ? -1 : contextSwitches + runSwitches;
        wallNanos += runWallNanos;
        compileMillis += runCompileMillis;
        serverNanos = serverNanos < 0 || runServerNanos < 0 ? -1 : serverNanos + runServerNanos;
        peakHeap = Math.max(peakHeap, elsewhere == null ? probe.peakHeapMegabytes() : elsewhere.peakHeapMegabytes());
        if (elsewhere != null) {
            heapAfterCollection = Double.isNaN(heapAfterCollection) ? elsewhere.heapAfterCollectionMegabytes()
                    : Math.max(heapAfterCollection, elsewhere.heapAfterCollectionMegabytes());
        }
        rates.add(run.messagesPerSecond());
        violations = run.orderViolations() < 0 ? -1 : Math.max(0, violations) + run.orderViolations();
        (elsewhere == null ? requests.snapshot() : elsewhere.requests())
                .forEach((api, count) -> requestCounts.merge(api, count, Long::sum));
        commands += redis == null ? 0 : redis.commands();
        // Per run, so that a slow run can be told apart: the consumer's or the server's CPU, or the JIT, or GC.
        // Allocation only when the consumer ran in this JVM.
        long runAllocated = elsewhere == null ? probe.allocatedBytesSinceStart() : -1;
        log.printf("  %-10s run %d: %,.0f msg/s (CPU µs/msg: consumer %.1f, servers %.1f; allocated %s B/msg; "
                        + "context switches/msg %.2f; JIT %d ms, GC %d ms, peak heap %.0f MB, wall %d ms)%n", id,
                rates.size(), run.messagesPerSecond(), runCpuNanos / 1e3 / messages,
                runServerNanos < 0 ? Double.NaN : runServerNanos / 1e3 / messages,
                runAllocated < 0 ? "?" : String.format("%,d", runAllocated / messages), runSwitches < 0 ? Double.NaN : (double) runSwitches / messages, runCompileMillis, runGcMillis,
                elsewhere == null ? probe.peakHeapMegabytes() : elsewhere.peakHeapMegabytes(),
                runWallNanos / 1_000_000);
    }

    /** The most a consumer JVM's heap held right after a collection, or NaN when the row ran in this JVM. */
    double heapAfterCollectionMegabytes() {
        return heapAfterCollection;
    }

    /** The figures of the repetitions so far. */
    ScenarioResult result() {
        double total = (double) messages * rates.size();
        Map<String, Double> perMessage = new LinkedHashMap<>();
        requestCounts.forEach((api, count) -> perMessage.put(api, count / total));
        return new ScenarioResult(id, title, messages, rates, baselineId, Double.NaN, ideal, perMessage,
                redis == null ? Double.NaN : commands / total,
                latency == null ? Double.NaN : latency.percentileMillis(50),
                latency == null ? Double.NaN : latency.percentileMillis(99),
                peakHeap, cpuNanos / total / 1e3, serverNanos < 0 ? Double.NaN : serverNanos / total / 1e3,
                violations < 0 ? -1 : violations, notes(total));
    }

    private List<String> notes(double messagesInAll) {
        String jit = String.format("the JIT compiled for %.1f%% of the measured runs' time (%,d ms)",
                100.0 * compileMillis / Math.max(1, wallNanos / 1e6), compileMillis);
        List<String> notes = new ArrayList<>(List.of(jit));
        if (contextSwitches >= 0) {
            notes.add(String.format("%.2f context switches per message on the whole machine (every wake-up "
                    + "of a sleeping thread, the servers' included)", contextSwitches / messagesInAll));
        }
        if (!Double.isNaN(heapAfterCollection)) {
            notes.add(String.format("in the consumer JVM, the heap held at most %.0f MB right after a collection; "
                    + "its peak is the heap's use just before the fullest collection", heapAfterCollection));
        }
        return notes;
    }
}
