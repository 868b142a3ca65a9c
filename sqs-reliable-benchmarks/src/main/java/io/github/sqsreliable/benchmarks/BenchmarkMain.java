package io.github.sqsreliable.benchmarks;

import io.github.sqsreliable.benchmarks.report.BenchmarkRun;
import io.github.sqsreliable.benchmarks.report.DocsSection;
import io.github.sqsreliable.benchmarks.report.CloseResult;
import io.github.sqsreliable.benchmarks.report.JsonReport;
import io.github.sqsreliable.benchmarks.report.LeadChart;
import io.github.sqsreliable.benchmarks.report.MarkdownReport;
import io.github.sqsreliable.benchmarks.report.ScenarioResult;
import io.github.sqsreliable.benchmarks.report.SvgChart;
import io.github.sqsreliable.benchmarks.measure.ServerCpu;
import io.github.sqsreliable.benchmarks.peer.PeerRatios;
import io.github.sqsreliable.benchmarks.peer.SpringCloudAwsConsumer;
import io.github.sqsreliable.benchmarks.scenario.Bench;
import io.github.sqsreliable.benchmarks.scenario.LatencyRows;
import io.github.sqsreliable.benchmarks.scenario.CloseTimes;
import io.github.sqsreliable.benchmarks.scenario.Row;
import io.github.sqsreliable.benchmarks.scenario.Sizes;
import io.github.sqsreliable.benchmarks.sqs.Clients;
import io.github.sqsreliable.benchmarks.sqs.ElasticMqProcess;
import io.github.sqsreliable.benchmarks.sqs.LatencyProxyProcess;
import io.github.sqsreliable.test.EmbeddedRedis;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark program: {@code --quick} (the default, under 3 minutes on 2 cores) or {@code --full}. Starts
 * ElasticMQ in a JVM of its own and Redis as the tests do, measures the raw SDK loops and the library's
 * scenarios in one run, and writes {@code target/benchmarks/results.json}, {@code docs/images/benchmarks.svg}
 * and the results section of {@code docs/benchmarks.md} ({@code --no-docs} leaves the docs alone).
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    private static final String RAW_LARGE = "raw-large";
    /** The raw loop that hands messages to worker threads: every row's consumer CPU per message is compared with it. */
    private static final String CPU_BASELINE = "raw-crt-" + Bench.RAW_ASYNC_CHAINS_DEEP + "-workers";
    /** Baselines of one scenario each, not candidates for the best raw loop. */
    private static final List<String> OWN_BASELINES = List.of("raw-fifo", RAW_LARGE, RAW_LARGE + "-64");

    private static final List<String> SCENARIOS = List.of("A", "A-sca", "A-sca-tuned", "A-netty", "A-meters", "B",
            "B-sca", "B-sca-tuned", "C", "C-sca", "C-sca-tuned", "D", "E", "F", "F-64", "L", "N", "N-sca",
            "N-sca-tuned", "N-fifo", "close");
    /** Spring Cloud AWS tuned for A and C: as many receives of 10 in flight as the deep raw loop's chains. */
    private static final int SCA_TUNED_CONCURRENCY = 10 * Bench.RAW_ASYNC_CHAINS_DEEP;
    /** What a run measures without --only: A-meters (A with the Micrometer binder) runs only when asked for. */
    private static final List<String> PUBLISHED = SCENARIOS.stream().filter(id -> !id.equals("A-meters")).toList();
    /**
     * What quick mode leaves out unless named with --only, to stay under 3 minutes: the slowest rows that no target
     * of a quick smoke run needs (Spring Cloud AWS with its defaults takes 2 to 10 s per run; E's handlers run
     * 6 s), and the variants of A (D adds Redis to it). They run in full mode.
     */
    private static final List<String> FULL_ONLY = List.of("A-netty", "A-sca", "B-sca", "C-sca", "N-sca", "D", "E",
            "F-64");

    /**
     * @param args {@code --quick} or {@code --full}, optionally {@code --no-docs}, optionally
     *     {@code --only=A,C} to measure some scenarios (with the CRT, FIFO and large-message baselines they need; implies
     *     {@code --no-docs}, since a partial run must not replace the published table)
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // The library warns that the benchmark queues have no dead-letter queue; that is intended here.
        System.setProperty("org.slf4j.simpleLogger.log.io.github.sqsreliable", "error");
        List<String> arguments = List.of(args);
        List<String> only = PUBLISHED;
        for (String argument : arguments) {
            if (argument.startsWith("--only=")) {
                only = List.of(argument.substring("--only=".length()).split(","));
                for (String id : only) {
                    if (!SCENARIOS.contains(id)) {
                        System.err.println("unknown scenario " + id + " in " + argument + "; scenarios: " + SCENARIOS);
                        System.exit(2);
                    }
                }
            } else if (!List.of("--quick", "--full", "--no-docs").contains(argument)) {
                System.err.println("unknown argument " + argument
                        + "; use --quick (default), --full, --no-docs, --only=A,C,...");
                System.exit(2);
            }
        }
        boolean partial = only != PUBLISHED;
        Sizes sizes = arguments.contains("--full") ? Sizes.full() : Sizes.quick();
        boolean full = sizes.mode().equals("full");
        if (!partial && !full) {
            only = PUBLISHED.stream().filter(id -> !FULL_ONLY.contains(id)).toList();
        }
        Instant started = Instant.now();
        System.out.printf("sqs-reliable benchmarks, %s mode: %d repetitions, %,d messages per no-op run%n",
                sizes.mode(), sizes.repetitions(), sizes.noOpMessages());
        List<ScenarioResult> baselines = new ArrayList<>();
        List<ScenarioResult> scenarios = new ArrayList<>();
        Map<String, Targets.HeldHeap> heldHeaps = new LinkedHashMap<>();
        List<CloseTimes.Result> closeTimes = List.of();
        String redisSource;
        List<String> serverProcesses;
        boolean network = only.stream().anyMatch(id -> id.equals("N") || id.startsWith("N-"));
        List<ScenarioResult> networkRows = new ArrayList<>(); // compared with their own raw loops (LatencyRows)
        try (ElasticMqProcess server = ElasticMqProcess.start(); LatencyProxyProcess proxy = network
                ? LatencyProxyProcess.start(server.endpoint(), LatencyProxyProcess.DEFAULT_DELAY_EACH_WAY) : null) {
            EmbeddedRedis redis = EmbeddedRedis.shared();
            redisSource = redis.toString();
            ServerCpu serverCpu = ServerCpu.ofChildProcesses();
            serverProcesses = serverCpu.names();
            Bench bench = new Bench(server.endpoint(), sizes, serverCpu, System.out);
            // Every row compared with another is measured in turns with it (see Bench.inTurns).
            List<Row> inTurns = new ArrayList<>();
            if (!partial && full) {
                inTurns.add(bench.raw("raw-apache", "apache"));
            }
            if (full) { // with 16 receives in flight; the deeper loop is the one that wins
                inTurns.add(bench.raw("raw-crt", "crt"));
            }
            inTurns.add(bench.raw("raw-crt-" + Bench.RAW_ASYNC_CHAINS_DEEP, "crt", Bench.RAW_ASYNC_CHAINS_DEEP));
            // Every row's CPU per message is compared with this loop's, so quick mode measures it too.
            inTurns.add(bench.raw("raw-crt-" + Bench.RAW_ASYNC_CHAINS_DEEP + "-workers", "crt-workers",
                    Bench.RAW_ASYNC_CHAINS_DEEP));
            if (!partial && full) {
                inTurns.add(bench.raw("raw-netty", "netty"));
            }
            if (only.contains("C") || only.contains("C-sca") || only.contains("C-sca-tuned")) {
                inTurns.add(bench.rawFifo("raw-fifo"));
            }
            if (only.contains("A") || only.contains("D") || only.contains("A-meters")) {
                inTurns.add(bench.noOp("A", Bench.RECOMMENDED, null));
            }
            if (only.contains("A-meters")) {
                inTurns.add(bench.noOpWithMeters("A-meters", "A"));
            }
            if (only.contains("A-netty")) {
                inTurns.add(bench.noOp("A-netty", Clients.AsyncKind.NETTY, null));
            }
            if (only.contains("C")) {
                inTurns.add(bench.fifo("C", "raw-fifo"));
            }
            // The peer, in turns with the rows it is compared with (issue 24).
            if (only.contains("A-sca")) {
                inTurns.add(bench.scaNoOp("A-sca", SpringCloudAwsConsumer.Settings.defaults()));
            }
            if (only.contains("A-sca-tuned")) {
                inTurns.add(bench.scaNoOp("A-sca-tuned", SpringCloudAwsConsumer.Settings.tuned(SCA_TUNED_CONCURRENCY)));
            }
            if (only.contains("C-sca")) {
                inTurns.add(bench.scaFifo("C-sca", "raw-fifo", SpringCloudAwsConsumer.Settings.defaults()));
            }
            if (only.contains("C-sca-tuned")) {
                inTurns.add(bench.scaFifo("C-sca-tuned", "raw-fifo",
                        SpringCloudAwsConsumer.Settings.tuned(SCA_TUNED_CONCURRENCY)));
            }
            if (only.contains("D")) {
                inTurns.add(bench.idempotentRedis("D", "A", URI.create(redis.uri())));
            }
            for (ScenarioResult row : bench.inTurns(inTurns)) {
                (row.id().startsWith("raw-") ? baselines : scenarios).add(row);
            }
            LatencyRows net = proxy == null ? null
                    : new LatencyRows(bench, server.endpoint(), proxy, sizes, serverCpu, System.out);
            if (net != null) {
                System.out.println("through the latency proxy (about 20 ms per request):");
                net.measureDelay();
                List<Row> rows = new ArrayList<>(only.contains("N") ? net.standardRows() : List.of());
                List<SpringCloudAwsConsumer.Settings> peers = List.of(SpringCloudAwsConsumer.Settings.defaults(),
                        SpringCloudAwsConsumer.Settings.tuned(SCA_TUNED_CONCURRENCY));
                for (SpringCloudAwsConsumer.Settings settings : peers) {
                    String id = settings.tuned() ? "N-sca-tuned" : "N-sca";
                    if (!only.contains(id)) {
                        continue;
                    }
                    rows.add(net.contender(id, "N with Spring Cloud AWS, " + settings.describe()
                            + ", ~20 ms per request (CRT client)", false, (client, queue, n) -> new LatencyRows.Outcome(
                            bench.springCloudAwsRate(n, client, queue, settings, id), -1)));
                }
                rows.addAll(only.contains("N-fifo") ? net.fifoRows() : List.of());
                networkRows.addAll(net.compared(bench.inTurns(rows)));
            }
            for (int bodyBytes : List.of(Bench.LARGE_BODY_BYTES, Bench.MEDIUM_BODY_BYTES)) {
                String suffix = bodyBytes == Bench.LARGE_BODY_BYTES ? "" : "-" + bodyBytes / 1024;
                if (only.contains("F" + suffix)) {
                    // In turns with its own baseline, each in a consumer JVM with a small heap.
                    System.out.println("large messages (" + bodyBytes / 1024 + " KiB), in consumer JVMs of their own:");
                    List<Row> large = List.of(bench.rawLarge(RAW_LARGE + suffix, bodyBytes),
                            bench.largeMessages("F" + suffix, RAW_LARGE + suffix, bodyBytes));
                    for (ScenarioResult row : bench.inTurns(large)) {
                        row = bench.withLargeMessageNotes(row, bodyBytes);
                        (row.id().startsWith("raw-") ? baselines : scenarios).add(row);
                    }
                    String id = "F" + suffix;
                    heldHeaps.put(id, new Targets.HeldHeap(bench.heapAfterCollectionMegabytes(id),
                            bench.heapAfterCollectionMegabytes(RAW_LARGE + suffix)));
                }
            }
            System.out.println("scenarios measured on their own:");
            if (only.contains("B")) {
                scenarios.add(bench.slowHandler("B"));
            }
            if (only.contains("B-sca")) {
                scenarios.add(bench.scaSlowHandler("B-sca", SpringCloudAwsConsumer.Settings.defaults()));
            }
            if (only.contains("B-sca-tuned")) {
                scenarios.add(bench.scaSlowHandler("B-sca-tuned", SpringCloudAwsConsumer.Settings.tuned(200)));
            }
            if (only.contains("E")) {
                scenarios.add(bench.extensions("E"));
            }
            if (only.contains("L")) {
                scenarios.add(bench.unsaturatedLatency("L"));
            }
            if (net != null) {
                net.close();
            }
            scenarios.sort(Comparator.comparingInt(row -> SCENARIOS.indexOf(row.id())));
            if (only.contains("close")) {
                System.out.println("close times, default settings:");
                closeTimes = new CloseTimes(server.endpoint(), full ? sizes.repetitions() : 1,
                        sizes.mode().equals("full") ? 20_000 : 2_000, System.out).measure();
            }
        }

        // The baseline is the best plain loop; the loop with workers shows what the hand-off to handler threads costs.
        // The FIFO and large-message loops are the baselines of one scenario each.
        ScenarioResult best = baselines.stream()
                .filter(row -> !OWN_BASELINES.contains(row.id()) && !row.id().endsWith("-workers"))
                .max(Comparator.comparingDouble(ScenarioResult::median)).orElseThrow();
        Map<String, ScenarioResult> byId = new LinkedHashMap<>();
        baselines.forEach(row -> byId.put(row.id(), row));
        scenarios.forEach(row -> byId.put(row.id(), row));
        List<ScenarioResult> compared = new ArrayList<>();
        for (ScenarioResult row : scenarios) {
            if (row.id().equals("E") || row.id().equals("L")) {
                compared.add(row); // E's ratio is its extension figure; L measures latency, not throughput
            } else if (!Double.isNaN(row.idealMessagesPerSecond())) {
                compared.add(row.withRatio(null, row.median() / row.idealMessagesPerSecond()));
            } else {
                ScenarioResult base = row.baselineId() == null ? best : byId.get(row.baselineId());
                compared.add(row.withRatio(base.id(), row.median() / base.median()));
            }
        }
        List<ScenarioResult> comparedBaselines = new ArrayList<>(baselines.stream()
                .map(row -> OWN_BASELINES.contains(row.id()) || row == best ? row
                        : row.withRatio(best.id(), row.median() / best.median()))
                .toList());
        for (ScenarioResult row : networkRows) {
            (row.id().startsWith("raw-") ? comparedBaselines : compared).add(row);
            byId.put(row.id(), row);
        }
        compared.sort(Comparator.comparingInt(row -> SCENARIOS.indexOf(row.id())));
        List<ScenarioResult> withPeers = PeerRatios.withLibraryRatios(compared, byId);
        Map<String, ScenarioResult> results = new LinkedHashMap<>();
        withPeers.forEach(row -> results.put(row.id(), row));
        List<CloseResult> closeResults = closeTimes.stream().map(BenchmarkMain::closeResult).toList();
        String cpuBaseline = byId.containsKey(CPU_BASELINE) ? CPU_BASELINE : null;
        BenchmarkRun run = new BenchmarkRun(started, sizes.mode(), environment(redisSource, serverProcesses),
                comparedBaselines, withPeers, best.id(), Targets.evaluate(results, heldHeaps, byId.get(CPU_BASELINE)), cpuBaseline,
                closeResults);

        Path json = Path.of("target", "benchmarks", "results.json");
        Files.createDirectories(json.getParent());
        JsonReport.write(run, json);
        String section = MarkdownReport.render(run, "images/benchmarks-lead.svg", "images/benchmarks.svg");
        System.out.println();
        System.out.println(section);
        if (!closeTimes.isEmpty()) {
            CloseTimes.addTo(json, closeTimes);
            CloseTimes.print(closeTimes, System.out);
        }
        ScenarioResult a = results.get("A");
        ScenarioResult meters = results.get("A-meters");
        if (a != null && meters != null) {
            System.out.printf("consumer CPU per message: A %.1f µs, A-meters (SqsReliableMeters on a "
                    + "SimpleMeterRegistry) %.1f µs, ratio %.2f; throughput ratio %.2f%n", a.cpuMicrosPerMessage(),
                    meters.cpuMicrosPerMessage(), meters.cpuMicrosPerMessage() / a.cpuMicrosPerMessage(),
                    meters.median() / a.median());
        }
        System.out.println("results: " + json.toAbsolutePath());
        if (!arguments.contains("--no-docs") && !partial) {
            Path docs = docsDirectory();
            Files.createDirectories(docs.resolve("images"));
            Files.writeString(docs.resolve("images").resolve("benchmarks.svg"), SvgChart.render(run));
            Files.writeString(docs.resolve("images").resolve("benchmarks-lead.svg"), LeadChart.render(run));
            DocsSection.replace(docs.resolve("benchmarks.md"), section);
            System.out.println("docs: " + docs.resolve("benchmarks.md").toAbsolutePath());
        }
        System.exit(0);
    }

    /**
     * The project's {@code docs} directory: the nearest one up from the working directory that holds
     * {@code benchmarks.md}, so that a run started in the module's directory updates the same page.
     */
    private static Path docsDirectory() {
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            if (Files.isRegularFile(directory.resolve("docs").resolve("benchmarks.md"))) {
                return directory.resolve("docs");
            }
        }
        throw new IllegalStateException("no docs/benchmarks.md in " + Path.of("").toAbsolutePath()
                + " or above it: run the benchmark from the project (or use --no-docs)");
    }

    /** A close measurement as the reports show it: its lead-table column, times and what it left behind. */
    private static CloseResult closeResult(CloseTimes.Result close) {
        String contender = switch (close.id()) {
            case "close" -> "sqs-reliable";
            case "close-sca" -> "sca";
            case "close-sca-tuned" -> "sca-tuned";
            default -> "raw";
        };
        long invisible = (long) Math.max(CloseTimes.Result.max(close.abandonedInvisible()),
                CloseTimes.Result.max(close.invisibleAfterLoad()));
        long notDeleted = (long) CloseTimes.Result.max(close.handledNotDeleted());
        return new CloseResult(contender, close.title(), close.idleCloseMillis(), close.loadCloseMillis(), invisible,
                notDeleted > 0 ? List.of("under load, up to " + notDeleted + " message(s) handled but not deleted "
                        + "at close: they come back as duplicates") : List.of());
    }

    private static Map<String, String> environment(String redisSource, List<String> serverProcesses) {
        Runtime runtime = Runtime.getRuntime();
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("cores", Integer.toString(runtime.availableProcessors()));
        environment.put("memory", String.format("%.1f GiB physical",
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize() / (1024.0 * 1024 * 1024)));
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        environment.put("jvm", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        environment.put("consumer JVM", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
                + ", GC " + ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
        environment.put("SQS server", "ElasticMQ (elasticmq-rest-sqs_2.13 "
                + org.elasticmq.rest.sqs.SQSRestServer.class.getPackage().getImplementationVersion()
                + ") in a separate JVM (" + String.join(" ", ElasticMqProcess.JVM_OPTIONS)
                + ") on loopback, sharing the cores with the consumer");
        environment.put("AWS SDK", software.amazon.awssdk.core.util.VersionInfo.SDK_VERSION);
        environment.put("Redis", redisSource);
        environment.put("server CPU column counts", String.join(" + ", serverProcesses));
        return environment;
    }
}
