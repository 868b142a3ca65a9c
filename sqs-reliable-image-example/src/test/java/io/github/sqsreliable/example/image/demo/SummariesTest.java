package io.github.sqsreliable.example.image.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummariesTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void nearestRankPercentiles() {
        List<Duration> sorted = List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30),
                Duration.ofMillis(40));
        assertThat(Summaries.percentile(sorted, 50)).isEqualTo(Duration.ofMillis(20));
        assertThat(Summaries.percentile(sorted, 99)).isEqualTo(Duration.ofMillis(40));
        assertThat(Summaries.percentile(List.of(), 50)).isEqualTo(Duration.ZERO);
    }

    @Test
    void anImageResizedBeforeAnEarlierUploadOfItsUserIsAViolation() {
        List<ImageRecord> images = List.of(
                resized("a1", "alice", 1, 1), resized("a2", "alice", 2, 3), resized("a3", "alice", 3, 2),
                resized("b1", "bob", 1, 5), resized("b2", "bob", 2, 6),
                ImageRecord.queued("c1", "carol", 1, 1, T0).failed("corrupt", T0.plusSeconds(1)));
        Map<String, Integer> violations = Summaries.orderViolations(images);
        assertThat(violations).containsEntry("alice", 1).containsEntry("bob", 0).containsEntry("carol", 0);
    }

    @Test
    void summaryCountsDoneFailedRetriesAndLatency() {
        ImageRecord done = resized("a1", "alice", 1, 1).retried().done(T0.plusSeconds(4));
        ImageRecord failed = ImageRecord.queued("a2", "alice", 2, 1, T0).failed("bad", T0.plusSeconds(2));
        var summary = Summaries.summarize(T0, T0.plusSeconds(10), List.of(done, failed), 2, List.of(), Map.of(), 0,
                Map.of(), List.of());
        assertThat(summary.done()).isEqualTo(1);
        assertThat(summary.deadLettered()).isEqualTo(1);
        assertThat(summary.retries()).isEqualTo(1);
        assertThat(summary.rejected()).isEqualTo(2);
        assertThat(summary.elapsed()).isEqualTo(Duration.ofSeconds(4));
        assertThat(summary.latencyP50()).isEqualTo(Duration.ofSeconds(4));
        assertThat(summary.throughput()).isEqualTo(0.5);
        assertThat(summary.orderHeld()).isTrue();
    }

    private static ImageRecord resized(String id, String user, long sequence, int secondsAfterStart) {
        return ImageRecord.queued(id, user, sequence, 1, T0)
                .resized(Map.of(), null, T0.plusSeconds(secondsAfterStart));
    }
}
