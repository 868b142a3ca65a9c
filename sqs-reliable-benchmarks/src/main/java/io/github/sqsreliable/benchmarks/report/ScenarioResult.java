package io.github.sqsreliable.benchmarks.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the benchmark's results: a scenario (or a baseline) run several times, with its figures.
 *
 * @param id short id, e.g. {@code "A"} or {@code "raw-apache"}
 * @param title what ran, e.g. {@code "A: no-op handler, default settings (Netty)"}
 * @param messagesPerRun messages consumed in each repetition
 * @param messagesPerSecond each repetition's throughput, in run order
 * @param baselineId the id of the row this one is compared with, or {@code null} for a baseline
 * @param ratio median throughput divided by the baseline's median (or by {@code idealMessagesPerSecond}
 *     when that is set), or {@code NaN} for a baseline
 * @param idealMessagesPerSecond the Little's-law ideal for scenarios with slow handlers, or {@code NaN}
 * @param sqsRequestsPerMessage SQS requests per message by API name (ReceiveMessage, DeleteMessageBatch, ...)
 * @param redisRoundTripsPerMessage Redis commands per message, or {@code NaN} when Redis is not used
 * @param receiveToHandlerP50Millis median time from a message's receive to its handler's start, or {@code NaN}
 * @param receiveToHandlerP99Millis 99th percentile of the same, or {@code NaN}
 * @param peakHeapMegabytes the consumer JVM's peak heap use during the runs
 * @param cpuMicrosPerMessage the consumer JVM's CPU time per message (the SQS server runs in another JVM)
 * @param serverCpuMicrosPerMessage the servers' CPU time per message: the ElasticMQ JVM, plus redis-server when
 *     the benchmark started it; {@code NaN} when unknown. On a machine whose cores the consumer shares with the
 *     servers, consumer and server CPU together bound the throughput
 * @param orderViolations for FIFO scenarios, messages handled out of their group's order; -1 when not checked
 * @param notes anything the reader needs to interpret the row, e.g. the extension calls per period
 */
public record ScenarioResult(
        String id,
        String title,
        int messagesPerRun,
        List<Double> messagesPerSecond,
        String baselineId,
        double ratio,
        double idealMessagesPerSecond,
        Map<String, Double> sqsRequestsPerMessage,
        double redisRoundTripsPerMessage,
        double receiveToHandlerP50Millis,
        double receiveToHandlerP99Millis,
        double peakHeapMegabytes,
        double cpuMicrosPerMessage,
        double serverCpuMicrosPerMessage,
        long orderViolations,
        List<String> notes) {

    /** Validates and copies the components. */
    public ScenarioResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        messagesPerSecond = List.copyOf(messagesPerSecond);
        sqsRequestsPerMessage = Collections.unmodifiableMap(new LinkedHashMap<>(sqsRequestsPerMessage));
        notes = List.copyOf(notes);
        if (messagesPerSecond.isEmpty()) {
            throw new IllegalArgumentException("at least one repetition");
        }
    }

    /** A copy compared with {@code baselineId} at {@code ratio}. */
    public ScenarioResult withRatio(String newBaselineId, double newRatio) {
        return new ScenarioResult(id, title, messagesPerRun, messagesPerSecond, newBaselineId, newRatio,
                idealMessagesPerSecond, sqsRequestsPerMessage, redisRoundTripsPerMessage, receiveToHandlerP50Millis,
                receiveToHandlerP99Millis, peakHeapMegabytes, cpuMicrosPerMessage, serverCpuMicrosPerMessage, orderViolations, notes);
    }

    /**
     * @param moreNotes notes to add
     * @return this row with the notes added
     */
    public ScenarioResult withNotes(List<String> moreNotes) {
        List<String> all = new java.util.ArrayList<>(notes);
        all.addAll(moreNotes);
        return new ScenarioResult(id, title, messagesPerRun, messagesPerSecond, baselineId, ratio,
                idealMessagesPerSecond, sqsRequestsPerMessage, redisRoundTripsPerMessage, receiveToHandlerP50Millis,
                receiveToHandlerP99Millis, peakHeapMegabytes, cpuMicrosPerMessage, serverCpuMicrosPerMessage, orderViolations, all);
    }

    /** The median of {@link #messagesPerSecond()}. */
    public double median() {
        List<Double> sorted = messagesPerSecond.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The slowest repetition. */
    public double min() {
        return messagesPerSecond.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /** The fastest repetition. */
    public double max() {
        return messagesPerSecond.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** All SQS requests per message, every API together. */
    public double sqsRequestsPerMessageTotal() {
        return sqsRequestsPerMessage.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
