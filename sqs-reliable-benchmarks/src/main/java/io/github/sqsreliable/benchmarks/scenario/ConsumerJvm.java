package io.github.sqsreliable.benchmarks.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A consumer in a JVM of its own with a small heap ({@link #JVM_OPTIONS}), driven one run at a time
 * ({@link ConsumerJvmMain}). Its heap is what the library's default byte budget is derived from, so a scenario run
 * here shows whether the budget keeps a consumer of large messages inside it; and its CPU, GC and peak heap are
 * the consumer's alone. The JVM lives for a row's warm-up and repetitions, so they run on warm code, as the other
 * rows do.
 */
final class ConsumerJvm implements AutoCloseable {

    /** Small fixed heap (the library's default budget is a quarter of it); an OutOfMemoryError ends the JVM. */
    static final List<String> JVM_OPTIONS = List.of("-Xms128m", "-Xmx128m", "-XX:+ExitOnOutOfMemoryError");

    /**
     * Figures of one run, measured in the consumer JVM.
     *
     * @param peakHeapMegabytes the whole heap's peak use ({@link io.github.sqsreliable.benchmarks.measure.HeapPeak})
     * @param heapAfterCollectionMegabytes the most the heap held right after a collection
     */
    record Figures(long cpuNanos, long gcMillis, long compileMillis, double peakHeapMegabytes,
            double heapAfterCollectionMegabytes, Map<String, Long> requests) {}

    private final Process process;
    private final BufferedReader output;
    private final PrintWriter input;
    private final long maxHeapBytes;
    private final long budgetBytes;

    private ConsumerJvm(Process process, BufferedReader output, PrintWriter input, long maxHeapBytes,
            long budgetBytes) {
        this.process = process;
        this.output = output;
        this.input = input;
        this.maxHeapBytes = maxHeapBytes;
        this.budgetBytes = budgetBytes;
    }

    /** Starts the consumer JVM with this JVM's class path and waits until its client is built. */
    static ConsumerJvm start(URI endpoint) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ConsumerJvmMain.class.getName());
        command.add(endpoint.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the consumer JVM", e);
        }
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        PrintWriter input = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8),
                true);
        try {
            String ready = output.readLine();
            if (ready == null || !ready.startsWith("READY ")) {
                process.destroyForcibly();
                throw new IllegalStateException("the consumer JVM did not start: " + ready);
            }
            String[] parts = ready.split(" ");
            return new ConsumerJvm(process, output, input, Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("could not read the consumer JVM's output", e);
        }
    }

    /** The consumer JVM's maximum heap, as {@code Runtime.maxMemory()} tells it there. */
    long maxHeapBytes() {
        return maxHeapBytes;
    }

    /** The library's default byte budget in that JVM: a quarter of its maximum heap, at least 10 MiB. */
    long budgetBytes() {
        return budgetBytes;
    }

    /** The library with its defaults (client, queue, handler) until {@code n} messages are deleted. */
    Row.Run library(String queueUrl, int n, int bodyBytes) {
        return run("library " + queueUrl + " " + n + " " + bodyBytes);
    }

    /** The async raw loop with {@code chains} receives in flight until {@code n} messages are deleted. */
    Row.Run raw(String queueUrl, int n, int chains) {
        return run("raw " + queueUrl + " " + n + " " + chains);
    }

    private Row.Run run(String command) {
        input.println(command);
        String answer;
        try {
            answer = output.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the consumer JVM's answer", e);
        }
        if (answer == null) {
            throw new IllegalStateException("the consumer JVM exited during '" + command + "' (exit code "
                    + exitCode() + "; it exits on an OutOfMemoryError)");
        }
        if (!answer.startsWith("DONE ")) {
            throw new IllegalStateException("the consumer JVM failed '" + command + "': " + answer);
        }
        String[] parts = answer.split(" ");
        Map<String, Long> requests = new TreeMap<>();
        if (!parts[7].equals("-")) {
            for (String count : parts[7].split(",")) {
                String[] apiAndCount = count.split("=");
                requests.put(apiAndCount[0], Long.parseLong(apiAndCount[1]));
            }
        }
        return new Row.Run(Double.parseDouble(parts[1]), -1, new Figures(Long.parseLong(parts[2]),
                Long.parseLong(parts[3]), Long.parseLong(parts[4]), Long.parseLong(parts[5]) / (1024.0 * 1024.0),
                Long.parseLong(parts[6]) / (1024.0 * 1024.0), requests));
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Closes the JVM's input, which ends it; forcibly after 10 s. */
    @Override
    public void close() {
        input.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
