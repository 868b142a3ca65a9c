package io.github.sqsreliable.internal.observe;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * A lock-free log-linear histogram of durations in microseconds: each power of two is split into 32 buckets,
 * so a reported percentile is within about 3 % of the true value. Fixed memory (about 11 KiB) whatever
 * the number of samples, so it can record every handler call for the consumer's lifetime.
 */
public final class LatencyHistogram {

    private static final int SUB_BUCKET_BITS = 5;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    // Values up to 2^42 microseconds (about 50 days); larger ones land in the last bucket.
    private static final int MAX_EXPONENT = 42;
    private static final int BUCKETS = (MAX_EXPONENT - SUB_BUCKET_BITS + 2) * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAccumulator maxMicros = new LongAccumulator(Math::max, 0);

    /** @param duration a sample; negative ones count as zero */
    public void record(Duration duration) {
        long micros = Math.max(0, duration.toNanos() / 1_000);
        counts.incrementAndGet(indexOf(micros));
        maxMicros.accumulate(micros);
    }

    /** @return samples recorded */
    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /**
     * @param quantile between 0 and 1, e.g. 0.99
     * @return the upper bound of the bucket holding that quantile, capped at the maximum; zero when empty
     */
    public Duration percentile(double quantile) {
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return Duration.ZERO;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return Duration.ofNanos(Math.min(upperBoundOf(i), maxMicros.get()) * 1_000);
            }
        }
        return max();
    }

    /** @return the largest sample, zero when empty */
    public Duration max() {
        return Duration.ofNanos(maxMicros.get() * 1_000);
    }

    static int indexOf(long micros) {
        if (micros < SUB_BUCKETS) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int shift = exponent - SUB_BUCKET_BITS;
        int subBucket = (int) ((micros >>> shift) & (SUB_BUCKETS - 1));
        return (shift + 1) * SUB_BUCKETS + subBucket;
    }

    static long upperBoundOf(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int shift = index / SUB_BUCKETS - 1;
        long subBucket = index % SUB_BUCKETS;
        long lowest = (SUB_BUCKETS + subBucket) << shift;
        return lowest + (1L << shift) - 1;
    }
}
