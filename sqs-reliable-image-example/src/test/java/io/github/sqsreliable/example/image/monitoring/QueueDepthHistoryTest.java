package io.github.sqsreliable.example.image.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory.Point;
import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory.Series;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.observe.QueueDepth;
import io.github.sqsreliable.observe.QueueDepth.QueueRole;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class QueueDepthHistoryTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final String RESIZE = "http://localhost:9324/000000000000/images-resize.fifo";
    private static final String RESIZE_DLQ = "http://localhost:9324/000000000000/images-resize-dlq.fifo";
    private static final String CATALOG = "http://localhost:9324/000000000000/images-catalog";

    @Test
    void keepsEachQueuesPointsOldestFirstInTheOrderQueuesWereFirstSampled() {
        QueueDepthHistory history = QueueDepthHistory.create(10);

        history.record("resize", List.of(depth(RESIZE, QueueRole.MAIN, 5, 2, 0), depth(RESIZE_DLQ,
                QueueRole.DEAD_LETTER, 0, 0, 0)));
        history.record("catalog", List.of(depth(CATALOG, QueueRole.MAIN, 1, 1, 1)));
        history.record("resize", List.of(depth(RESIZE, QueueRole.MAIN, 3, 4, 1)));

        List<Series> series = history.snapshot();
        assertThat(series).extracting(Series::queueName)
                .containsExactly("images-resize.fifo", "images-resize-dlq.fifo", "images-catalog");
        assertThat(series.get(0).consumer()).isEqualTo("resize");
        assertThat(series.get(0).role()).isEqualTo(QueueRole.MAIN);
        assertThat(series.get(0).points()).containsExactly(new Point(T0, 5, 2), new Point(T0.plusSeconds(2), 3, 4));
        assertThat(series.get(1).role()).isEqualTo(QueueRole.DEAD_LETTER);
        assertThat(series.get(2).consumer()).isEqualTo("catalog");
    }

    @Test
    void dropsTheOldestPointsBeyondItsCapacity() {
        QueueDepthHistory history = QueueDepthHistory.create(3);

        for (int i = 0; i < 7; i++) {
            history.record("resize", List.of(depth(RESIZE, QueueRole.MAIN, i, i * 10L, i)));
        }

        assertThat(history.snapshot().get(0).points()).extracting(Point::visible).containsExactly(4L, 5L, 6L);
        assertThat(history.snapshot().get(0).points()).extracting(Point::at)
                .containsExactly(T0.plusSeconds(8), T0.plusSeconds(10), T0.plusSeconds(12));
    }

    @Test
    void recordsASampleNoNewerThanTheLastPointOnlyOnce() {
        QueueDepthHistory history = QueueDepthHistory.create(10);
        QueueDepth sample = new QueueDepth(RESIZE, QueueRole.MAIN, 5, 2, 0, T0);

        history.record("resize", List.of(sample));
        history.record("resize", List.of(sample));
        history.record("resize", List.of(new QueueDepth(RESIZE, QueueRole.MAIN, 9, 9, 0, T0.minusSeconds(1))));

        assertThat(history.snapshot().get(0).points()).containsExactly(new Point(T0, 5, 2));
    }

    @Test
    void listenerRecordsWhatTheConsumerSampled() {
        QueueDepthHistory history = QueueDepthHistory.create();
        ObservedConsumer consumer = new FakeConsumer("catalog", List.of(depth(CATALOG, QueueRole.MAIN, 7, 3, 0)));

        history.listener().onQueuesSampled(consumer);

        assertThat(history.snapshot()).singleElement().satisfies(series -> {
            assertThat(series.consumer()).isEqualTo("catalog");
            assertThat(series.points()).containsExactly(new Point(T0, 7, 3));
        });
    }

    @Test
    void snapshotIsACopyUnaffectedByLaterSamples() {
        QueueDepthHistory history = QueueDepthHistory.create(10);
        history.record("resize", List.of(depth(RESIZE, QueueRole.MAIN, 0, 1, 0)));

        List<Series> before = history.snapshot();
        history.record("resize", List.of(depth(RESIZE, QueueRole.MAIN, 1, 2, 1)));

        assertThat(before.get(0).points()).hasSize(1);
        assertThat(history.snapshot().get(0).points()).hasSize(2);
    }

    @Test
    void isEmptyBeforeTheFirstSample() {
        assertThat(QueueDepthHistory.create().snapshot()).isEmpty();
        assertThat(QueueDepthHistory.create().pointsPerQueue()).isEqualTo(QueueDepthHistory.DEFAULT_POINTS_PER_QUEUE);
    }

    @Test
    void rejectsACapacityOutOfRange() {
        assertThatThrownBy(() -> QueueDepthHistory.create(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pointsPerQueue (1) must be between 2 and 100000");
        assertThatThrownBy(() -> QueueDepthHistory.create(100_001)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Sample number {@code sample} of a queue, taken {@code 2 * sample} seconds after T0. */
    private static QueueDepth depth(String queueUrl, QueueRole role, long visible, long inFlight, int sample) {
        return new QueueDepth(queueUrl, role, visible, inFlight, 0, T0.plusSeconds(2L * sample));
    }

    private record FakeConsumer(String name, List<QueueDepth> queueDepths) implements ObservedConsumer {

        @Override
        public String queueUrl() {
            return CATALOG;
        }

        @Override
        public int maxConcurrency() {
            return 1;
        }

        @Override
        public ConsumerMetrics metrics() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int handling() {
            return 0;
        }

        @Override
        public long heldBytes() {
            return 0;
        }

        @Override
        public Optional<Duration> oldestMessageAge() {
            return Optional.empty();
        }

        @Override
        public OptionalDouble backlogPerWorker() {
            return OptionalDouble.empty();
        }
    }
}
