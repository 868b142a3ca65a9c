package io.github.sqsreliable.example.image.report;

import io.github.sqsreliable.example.image.imaging.ImageFormat;
import io.github.sqsreliable.example.image.imaging.ImageMetadata;
import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.observe.QueueDepth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Records, metrics and summaries for the report tests. */
final class Samples {

    static final Instant START = Instant.parse("2024-05-17T10:00:00Z");

    private Samples() {
    }

    static ImageRecord queued(String id, String user, long sequence, long uploadedAfterMillis) {
        return ImageRecord.queued(id, user, sequence, 48_000, START.plusMillis(uploadedAfterMillis));
    }

    static ImageRecord done(String id, String user, long sequence, long uploadedAfterMillis, long latencyMillis) {
        ImageRecord queued = queued(id, user, sequence, uploadedAfterMillis);
        Instant finished = queued.uploadedAt().plusMillis(latencyMillis);
        ImageMetadata metadata = new ImageMetadata(ImageFormat.JPEG, 640, 480, Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalInt.empty());
        return queued.resized(Map.of("small", "variants/" + id + "/small.png"), metadata, finished).done(finished);
    }

    static ImageRecord failed(String id, String user, long sequence, long uploadedAfterMillis, long latencyMillis,
            String reason) {
        ImageRecord queued = queued(id, user, sequence, uploadedAfterMillis);
        return queued.failed(reason, queued.uploadedAt().plusMillis(latencyMillis));
    }

    static ConsumerMetrics metrics(long received, long succeeded, long failed) {
        return new ConsumerMetrics(received, succeeded, failed, 4, 0, succeeded, 0, 0, 0, 3, 1, 2, 0, 5, 0, 0, 0,
                Duration.ofMillis(40), Duration.ofMillis(180), Duration.ofMillis(250));
    }

    static DemoSummary summary(List<ImageRecord> images) {
        return new DemoSummary(START, Duration.ofMillis(12_340), 100, 6, 92, 2, 14, 3, 0, 7.46,
                Duration.ofMillis(842), Duration.ofMillis(12_345), Map.of("alice", 0, "bob", 0), 1, images,
                Map.of("resize", metrics(120, 110, 10), "catalog", metrics(92, 92, 0)),
                Map.of("images", "100", "workers", "4"), queueDepths());
    }

    /** The resize queue filling to 12 and draining over 8 s, its dead-letter queue getting 2. */
    static List<QueueDepthHistory.Series> queueDepths() {
        String resize = "http://localhost:9324/000000000000/images-resize.fifo";
        String deadLetter = "http://localhost:9324/000000000000/images-resize-dlq.fifo";
        QueueDepthHistory history = QueueDepthHistory.create();
        long[][] samples = {{0, 0, 0}, {12, 4, 0}, {6, 4, 1}, {1, 2, 2}, {0, 0, 2}};
        for (int i = 0; i < samples.length; i++) {
            Instant at = START.plusSeconds(2L * i);
            history.record("resize", List.of(new QueueDepth(resize, QueueDepth.QueueRole.MAIN, samples[i][0],
                    samples[i][1], 0, at), new QueueDepth(deadLetter, QueueDepth.QueueRole.DEAD_LETTER,
                    samples[i][2], 0, 0, at)));
        }
        return history.snapshot();
    }

    static DemoSummary empty() {
        return new DemoSummary(START, Duration.ZERO, 0, 0, 0, 0, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO,
                Map.of(), 0, List.of(), Map.of(), Map.of(), List.of());
    }
}
