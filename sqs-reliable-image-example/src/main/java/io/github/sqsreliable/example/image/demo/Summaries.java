package io.github.sqsreliable.example.image.demo;

import io.github.sqsreliable.example.image.catalog.Catalog;
import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import io.github.sqsreliable.example.image.report.DemoSummary;
import io.github.sqsreliable.observe.ConsumerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Computes the demo's {@link DemoSummary} from the status records, the catalog and the consumers' metrics. */
final class Summaries {

    private Summaries() {
    }

    static DemoSummary summarize(Instant startedAt, Instant now, List<ImageRecord> images, int rejected,
            List<Catalog.CatalogRow> catalogRows, Map<String, ConsumerMetrics> metrics, int crashes,
            Map<String, String> settings, List<QueueDepthHistory.Series> queueDepths) {
        List<ImageRecord> done = images.stream().filter(r -> r.status() == ImageStatus.DONE).toList();
        int deadLettered = (int) images.stream().filter(r -> r.status() == ImageStatus.FAILED).count();
        Instant lastFinish = images.stream().map(ImageRecord::finishedAt).filter(at -> at != null)
                .max(Comparator.naturalOrder()).orElse(now);
        Duration elapsed = Duration.between(startedAt, lastFinish.isAfter(startedAt) ? lastFinish : now);
        long finished = images.stream().filter(r -> r.status().finished()).count();
        double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-3);
        List<Duration> latencies = done.stream().map(r -> r.latency().orElseThrow()).sorted().toList();
        return new DemoSummary(startedAt, elapsed, images.size(), rejected, done.size(), deadLettered,
                images.stream().mapToLong(ImageRecord::attempts).sum(),
                images.stream().mapToLong(ImageRecord::duplicatesSkipped).sum(),
                (int) catalogRows.stream().filter(row -> row.timesRecorded() > 1).count(),
                finished / seconds, percentile(latencies, 50), percentile(latencies, 99),
                orderViolations(images), crashes, images, metrics, settings, queueDepths);
    }

    /** Nearest-rank percentile; zero for no values. */
    static Duration percentile(List<Duration> sorted, int percent) {
        if (sorted.isEmpty()) {
            return Duration.ZERO;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /**
     * Per user, how many images finished resizing before an image the user had uploaded earlier: each user's
     * resized images, ordered by when they were resized, must have rising sequence numbers.
     */
    static Map<String, Integer> orderViolations(List<ImageRecord> images) {
        Map<String, List<ImageRecord>> byUser = images.stream()
                .collect(Collectors.groupingBy(ImageRecord::userId, TreeMap::new, Collectors.toList()));
        Map<String, Integer> violations = new TreeMap<>();
        byUser.forEach((user, records) -> {
            List<ImageRecord> resized = new ArrayList<>(records.stream().filter(r -> r.resizedAt() != null).toList());
            resized.sort(Comparator.comparing(ImageRecord::resizedAt).thenComparingLong(ImageRecord::sequence));
            int count = 0;
            long highest = 0;
            for (ImageRecord record : resized) {
                if (record.sequence() < highest) {
                    count++;
                }
                highest = Math.max(highest, record.sequence());
            }
            violations.put(user, count);
        });
        return violations;
    }
}
