package io.github.sqsreliable.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static final double TOLERANCE = 0.035;
    private static final double[] QUANTILES = {0.0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0};
    private static final long MAX_TRACKED_MICROS = (1L << 43) - 1;

    private final LatencyHistogram histogram = new LatencyHistogram();

    private static Duration micros(long micros) {
        return Duration.ofNanos(micros * 1_000);
    }

    private void recordAll(long[] samples) {
        for (long sample : samples) {
            histogram.record(micros(sample));
        }
    }

    /** The nearest-rank percentile of the samples, the definition the histogram approximates. */
    private static long exactPercentile(long[] sorted, double quantile) {
        int rank = (int) Math.max(1, Math.ceil(quantile * sorted.length));
        return sorted[Math.min(rank, sorted.length) - 1];
    }

    private void assertPercentilesCloseTo(long[] samples) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        for (double quantile : QUANTILES) {
            long exact = exactPercentile(sorted, quantile);
            long reported = histogram.percentile(quantile).toNanos() / 1_000;
            assertThat(reported)
                    .as("p%s of %d samples (exact %d us)", quantile * 100, samples.length, exact)
                    .isBetween(exact - (long) (exact * TOLERANCE), exact + (long) Math.ceil(exact * TOLERANCE));
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Recording and percentiles
    // ---------------------------------------------------------------------------------------------------

    @Test
    void emptyHistogramReportsZero() {
        assertThat(histogram.count()).isZero();
        assertThat(histogram.max()).isEqualTo(Duration.ZERO);
        assertThat(histogram.percentile(0.5)).isEqualTo(Duration.ZERO);
        assertThat(histogram.percentile(0.99)).isEqualTo(Duration.ZERO);
    }

    @Test
    void percentilesOfUniformDistributionAreWithinTolerance() {
        // given: every value from 1 to 100,000 microseconds, shuffled
        long[] samples = LongStream.rangeClosed(1, 100_000).toArray();
        shuffle(samples, new SplittableRandom(7));

        // when
        recordAll(samples);

        // then
        assertThat(histogram.count()).isEqualTo(100_000);
        assertPercentilesCloseTo(samples);
        assertThat(histogram.percentile(0.5)).isGreaterThanOrEqualTo(micros(50_000));
    }

    @Test
    void percentilesOfConstantAreExact() {
        // given
        long[] samples = new long[1_000];
        Arrays.fill(samples, 1_234_567);

        // when
        recordAll(samples);

        // then: the bucket's upper bound is capped at the maximum, which is the constant itself
        for (double quantile : QUANTILES) {
            assertThat(histogram.percentile(quantile)).isEqualTo(micros(1_234_567));
        }
    }

    @Test
    void percentilesOfBimodalDistributionAreWithinTolerance() {
        // given: 90 % fast calls around 5 ms, 10 % slow ones around 800 ms
        SplittableRandom random = new SplittableRandom(42);
        long[] samples = new long[20_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = i % 10 == 0 ? random.nextLong(780_000, 820_000) : random.nextLong(4_500, 5_500);
        }

        // when
        recordAll(samples);

        // then
        assertPercentilesCloseTo(samples);
        assertThat(histogram.percentile(0.5)).isLessThan(Duration.ofMillis(6));
        assertThat(histogram.percentile(0.95)).isGreaterThan(Duration.ofMillis(750));
    }

    @Test
    void percentilesOfLogUniformDistributionAreWithinTolerance() {
        // given: from 1 us to about 1 hour, spread evenly across the powers of two
        SplittableRandom random = new SplittableRandom(1);
        long[] samples = new long[50_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (long) Math.pow(2, random.nextDouble(0, 31.7));
        }

        // when
        recordAll(samples);

        // then
        assertPercentilesCloseTo(samples);
    }

    @Test
    void maxIsExact() {
        // given
        recordAll(new long[] {17, 123_457, 99_999, 3});

        // then: 123,457 us sits in a bucket whose upper bound is higher, but max() is the sample itself
        assertThat(histogram.max()).isEqualTo(micros(123_457));
        assertThat(histogram.percentile(1.0)).isEqualTo(micros(123_457));
        assertThat(LatencyHistogram.upperBoundOf(LatencyHistogram.indexOf(123_457))).isGreaterThan(123_457);
    }

    @Test
    void smallValuesAreExact() {
        // given: below 32 us every value has its own bucket
        recordAll(new long[] {0, 1, 2, 31});

        // then
        assertThat(histogram.percentile(0.25)).isEqualTo(Duration.ZERO);
        assertThat(histogram.percentile(0.5)).isEqualTo(micros(1));
        assertThat(histogram.percentile(0.75)).isEqualTo(micros(2));
        assertThat(histogram.percentile(1.0)).isEqualTo(micros(31));
    }

    @Test
    void countsNegativeDurationsAsZero() {
        // when
        histogram.record(Duration.ofMillis(-5));

        // then
        assertThat(histogram.count()).isEqualTo(1);
        assertThat(histogram.max()).isEqualTo(Duration.ZERO);
        assertThat(histogram.percentile(0.5)).isEqualTo(Duration.ZERO);
    }

    @Test
    void truncatesToWholeMicroseconds() {
        // when
        histogram.record(Duration.ofNanos(1_999));

        // then
        assertThat(histogram.max()).isEqualTo(micros(1));
    }

    // ---------------------------------------------------------------------------------------------------
    // Bucket layout
    // ---------------------------------------------------------------------------------------------------

    @Test
    void indexIsMonotonicAndUpperBoundHoldsTheValue() {
        // given: every value up to 100,000 us, and values around each power of two up to the tracked limit
        List<Long> values = new ArrayList<>();
        for (long v = 0; v <= 100_000; v++) {
            values.add(v);
        }
        for (int exponent = 17; exponent <= 43; exponent++) {
            long power = 1L << exponent;
            for (long delta = -40; delta <= 40; delta++) {
                values.add(Math.min(power + delta, MAX_TRACKED_MICROS));
            }
        }
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            values.add(random.nextLong(100_000, MAX_TRACKED_MICROS + 1));
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();

        // then
        int previousIndex = -1;
        for (long value : sorted) {
            int index = LatencyHistogram.indexOf(value);
            long upper = LatencyHistogram.upperBoundOf(index);
            assertThat(index).as("index of %d", value).isGreaterThanOrEqualTo(previousIndex);
            assertThat(upper).as("upper bound of the bucket of %d", value)
                    .isGreaterThanOrEqualTo(value)
                    .isLessThanOrEqualTo(value + value / 32);
            if (index > 0) {
                assertThat(LatencyHistogram.upperBoundOf(index - 1))
                        .as("upper bound of the bucket below that of %d", value)
                        .isLessThan(value);
            }
            previousIndex = index;
        }
    }

    @Test
    void bucketsAreContiguousAndUpperBoundsMapBackToTheirIndex() {
        // given
        int lastIndex = LatencyHistogram.indexOf(Long.MAX_VALUE);

        // then
        assertThat(LatencyHistogram.indexOf(0)).isZero();
        assertThat(LatencyHistogram.indexOf(MAX_TRACKED_MICROS)).isEqualTo(lastIndex);
        assertThat(LatencyHistogram.upperBoundOf(lastIndex)).isEqualTo(MAX_TRACKED_MICROS);
        for (int index = 0; index <= lastIndex; index++) {
            long upper = LatencyHistogram.upperBoundOf(index);
            assertThat(LatencyHistogram.indexOf(upper)).as("index of upper bound of bucket %d", index).isEqualTo(index);
            if (index < lastIndex) {
                assertThat(LatencyHistogram.indexOf(upper + 1)).as("index just above bucket %d", index)
                        .isEqualTo(index + 1);
                assertThat(LatencyHistogram.upperBoundOf(index + 1)).isGreaterThan(upper);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Concurrency
    // ---------------------------------------------------------------------------------------------------

    @Test
    void concurrentRecordingLosesNoCounts() throws Exception {
        // given
        int threads = 8;
        int samplesPerThread = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                long seed = t;
                workers.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    go.await();
                    for (int i = 0; i < samplesPerThread; i++) {
                        // a narrow range, so that threads contend for the same buckets
                        histogram.record(micros(random.nextLong(1_000, 1_100)));
                    }
                    return null;
                }));
            }

            // when
            go.countDown();
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        // then
        assertThat(histogram.count()).isEqualTo((long) threads * samplesPerThread);
        assertThat(histogram.max()).isLessThan(micros(1_100)).isGreaterThanOrEqualTo(micros(1_000));
    }

    private static void shuffle(long[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }
}
