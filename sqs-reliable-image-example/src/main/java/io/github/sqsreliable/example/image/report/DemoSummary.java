package io.github.sqsreliable.example.image.report;

import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.observe.ConsumerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the demo measured, for the printed table and the HTML report.
 *
 * @param startedAt when the demo started uploading
 * @param elapsed from the first upload to the pipeline being drained
 * @param uploaded images accepted by the API
 * @param rejected uploads the API refused with a 4xx (never queued)
 * @param done images recorded in the catalog
 * @param deadLettered images dead-lettered, each with its reason in {@link #images()}
 * @param retries failed handler attempts that were retried, both stages
 * @param duplicatesSkipped messages the idempotency store recognised as already handled
 * @param recordedTwice images the catalog recorded more than once (must be 0)
 * @param throughput finished images per second over {@link #elapsed()}
 * @param latencyP50 median upload-to-done latency of done images
 * @param latencyP99 99th percentile upload-to-done latency of done images
 * @param orderViolations per user, how many of their images finished resizing out of upload order (must be 0)
 * @param crashes how many times the worker process died and was restarted ({@code --crash-after})
 * @param images every image, in upload order
 * @param metrics each consumer's metrics at the end
 * @param settings the demo's flags, name to value, for the report's header
 * @param queueDepths each queue's depth samples during the run; empty when the workers ran in another process
 */
public record DemoSummary(
        Instant startedAt,
        Duration elapsed,
        int uploaded,
        int rejected,
        int done,
        int deadLettered,
        long retries,
        long duplicatesSkipped,
        int recordedTwice,
        double throughput,
        Duration latencyP50,
        Duration latencyP99,
        Map<String, Integer> orderViolations,
        int crashes,
        List<ImageRecord> images,
        Map<String, ConsumerMetrics> metrics,
        Map<String, String> settings,
        List<QueueDepthHistory.Series> queueDepths) {

    /** Validates and copies the components. */
    public DemoSummary {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(latencyP50, "latencyP50");
        Objects.requireNonNull(latencyP99, "latencyP99");
        orderViolations = Map.copyOf(orderViolations);
        images = List.copyOf(images);
        metrics = Map.copyOf(metrics);
        settings = Map.copyOf(settings);
        queueDepths = List.copyOf(queueDepths);
    }

    /** Whether every user's images were resized in upload order. */
    public boolean orderHeld() {
        return orderViolations.values().stream().allMatch(count -> count == 0);
    }
}
