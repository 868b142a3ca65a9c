package io.github.sqsreliable.example.image.monitoring;

import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.observe.QueueDepth;
import io.github.sqsreliable.observe.QueueDepth.QueueRole;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The last {@link #pointsPerQueue()} depth samples of each queue the pipeline's consumers read or move messages to,
 * in a fixed-size ring per queue: memory stays bounded however long the pipeline runs. It asks SQS nothing itself;
 * it keeps what the consumers sampled, through {@link #listener()}:
 *
 * <pre>{@code
 * QueueDepthHistory history = QueueDepthHistory.create();
 * SqsConsumer consumer = SqsConsumer.builder()...
 *         .queueSampling(Duration.ofSeconds(2))
 *         .listener(history.listener())
 *         .build();
 * ...
 * List<QueueDepthHistory.Series> lastMinutes = history.snapshot();
 * }</pre>
 *
 * <p>A sample no newer than a queue's last point (a queue whose sampling failed keeps its previous answer) is
 * not recorded twice. Thread-safe.
 */
public final class QueueDepthHistory {

    /** The default points kept per queue: {@value}, ten minutes at the example's 2-second sampling. */
    public static final int DEFAULT_POINTS_PER_QUEUE = 300;

    private static final int MAX_POINTS_PER_QUEUE = 100_000;

    private final int pointsPerQueue;
    // By queue URL, in the order queues were first seen: the resize stage's, then the catalog stage's.
    private final Map<String, Ring> rings = new LinkedHashMap<>();

    private QueueDepthHistory(int pointsPerQueue) {
        this.pointsPerQueue = pointsPerQueue;
    }

    /** A history of {@value #DEFAULT_POINTS_PER_QUEUE} points per queue. */
    public static QueueDepthHistory create() {
        return create(DEFAULT_POINTS_PER_QUEUE);
    }

    /**
     * A history of {@code pointsPerQueue} points per queue; older points are dropped.
     *
     * @throws IllegalArgumentException if {@code pointsPerQueue} is not between 2 and 100,000
     */
    public static QueueDepthHistory create(int pointsPerQueue) {
        if (pointsPerQueue < 2 || pointsPerQueue > MAX_POINTS_PER_QUEUE) {
            throw new IllegalArgumentException("pointsPerQueue (" + pointsPerQueue + ") must be between 2 and "
                    + MAX_POINTS_PER_QUEUE);
        }
        return new QueueDepthHistory(pointsPerQueue);
    }

    /** How many points are kept per queue. */
    public int pointsPerQueue() {
        return pointsPerQueue;
    }

    /**
     * A listener that records each queue sample of the consumer it is added to. One listener serves any number of
     * consumers.
     */
    public ConsumerListener listener() {
        return new ConsumerListener() {
            @Override
            public void onQueuesSampled(ObservedConsumer consumer) {
                record(consumer.name(), consumer.queueDepths());
            }
        };
    }

    /**
     * Records a consumer's latest queue depths.
     *
     * @param consumer the consumer's name
     * @param depths its queues' depths, as {@link ObservedConsumer#queueDepths()} gives them
     */
    public synchronized void record(String consumer, List<QueueDepth> depths) {
        Objects.requireNonNull(consumer, "consumer");
        for (QueueDepth depth : depths) {
            rings.computeIfAbsent(depth.queueUrl(), url -> new Ring(consumer, url, depth.role(), pointsPerQueue))
                    .add(new Point(depth.sampledAt(), depth.visible(), depth.inFlight()));
        }
    }

    /** Each queue's points, oldest first, queues in the order they were first sampled. */
    public synchronized List<Series> snapshot() {
        List<Series> series = new ArrayList<>(rings.size());
        rings.values().forEach(ring -> series.add(ring.series()));
        return List.copyOf(series);
    }

    /**
     * One sample of one queue.
     *
     * @param at when SQS answered
     * @param visible messages available to receive
     * @param inFlight messages received and not yet deleted or visible again
     */
    public record Point(Instant at, long visible, long inFlight) {

        /** Checks that {@code at} is given. */
        public Point {
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * One queue's points.
     *
     * @param consumer the consumer that sampled it
     * @param queueUrl the queue
     * @param role what the queue is to that consumer
     * @param points oldest first
     */
    public record Series(String consumer, String queueUrl, QueueRole role, List<Point> points) {

        /** Checks the references and copies the points. */
        public Series {
            Objects.requireNonNull(consumer, "consumer");
            Objects.requireNonNull(queueUrl, "queueUrl");
            Objects.requireNonNull(role, "role");
            points = List.copyOf(points);
        }

        /** The queue's name: the last segment of its URL, e.g. {@code images-resize.fifo}. */
        public String queueName() {
            return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        }
    }

    /** A fixed-size ring of one queue's points; guarded by the history's lock. */
    private static final class Ring {

        private final String consumer;
        private final String queueUrl;
        private final QueueRole role;
        private final Point[] points;
        private int next;
        private int size;

        Ring(String consumer, String queueUrl, QueueRole role, int capacity) {
            this.consumer = consumer;
            this.queueUrl = queueUrl;
            this.role = role;
            this.points = new Point[capacity];
        }

        void add(Point point) {
            if (size > 0 && !point.at().isAfter(points[(next - 1 + points.length) % points.length].at())) {
                return;
            }
            points[next] = point;
            next = (next + 1) % points.length;
            size = Math.min(size + 1, points.length);
        }

        Series series() {
            List<Point> ordered = new ArrayList<>(size);
            int first = (next - size + points.length) % points.length;
            for (int i = 0; i < size; i++) {
                ordered.add(points[(first + i) % points.length]);
            }
            return new Series(consumer, queueUrl, role, ordered);
        }
    }
}
