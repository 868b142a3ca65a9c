package io.github.sqsreliable.internal.receive;

import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes the prefetch to what the current rate needs. A message's permit is out of use while the receive that
 * will bring its successor is in flight, so at {@code rate} messages per second and a receive round trip of
 * {@code latency}, about {@code rate × latency} permits are always tied up in receives; with fewer spare
 * permits than that, handlers wait for messages. The tuner keeps the prefetch at one receive's worth (10, or the
 * maximum if smaller: the permits one receive takes) plus {@value #HEADROOM} times that,
 * up to the configured maximum:
 *
 * <ul>
 *   <li>fast handlers get deep prefetch and several receives in flight, so they are never starved;
 *   <li>slow handlers (a low rate) keep the floor, so a consumer does not hoard messages that another consumer
 *       could start, nor pay visibility extensions for messages that wait.
 * </ul>
 *
 * <p>Growth is immediate; shrinking goes a quarter of the way per tick, so a momentary lull (a receive that
 * came back short) does not throw away the depth the rate needs. Pollers report on their own threads; {@link
 * #tick} runs on one scheduler thread.
 */
public final class PrefetchTuner {

    private static final Logger log = LoggerFactory.getLogger(PrefetchTuner.class);

    /** How much more than the receive round trip's worth of messages to keep. */
    static final double HEADROOM = 2.0;
    /** How often {@link #tick} should run. */
    public static final long TICK_MILLIS = 100;
    private static final int FLOOR = 10;
    /** Weight of the newest latency sample in the moving average. */
    private static final double LATENCY_WEIGHT = 0.3;

    private final ReceivePermits permits;
    private final int maxConcurrency;
    private final int floor;
    private final int max;
    private final LongAdder received = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder latencySamples = new LongAdder();

    // Tick thread only.
    private long lastTickNanos;
    private double latencySeconds;
    private int prefetch;

    /**
     * @param permits resized as the prefetch changes; starts at {@code maxConcurrency} plus the floor
     * @param maxConcurrency handlers that may run at once
     * @param maxPrefetch the most messages to hold beyond running handlers
     * @param nowNanos the time now
     */
    public PrefetchTuner(ReceivePermits permits, int maxConcurrency, int maxPrefetch, long nowNanos) {
        this.permits = permits;
        this.maxConcurrency = maxConcurrency;
        this.max = maxPrefetch;
        this.floor = Math.min(FLOOR, maxPrefetch);
        this.prefetch = floor;
        this.lastTickNanos = nowNanos;
    }

    /** @return the capacity to start with: running handlers plus the floor of the prefetch */
    public static int initialCapacity(int maxConcurrency, int maxPrefetch) {
        return maxConcurrency + Math.min(FLOOR, maxPrefetch);
    }

    /** @return whether the prefetch can change at all (the maximum is above the floor) */
    public boolean adjustable() {
        return max > floor;
    }

    /**
     * Called by the receive stage after each receive that returned messages.
     *
     * @param messages how many came back
     * @param requested how many the receive asked for
     * @param roundTripNanos from sending the receive to its answer
     */
    public void received(int messages, int requested, long roundTripNanos) {
        received.add(messages);
        // A receive that came back short may have waited for messages to arrive (long polling): its duration
        // says how empty the queue is, not how long the round trip takes.
        if (messages >= requested) {
            latencyNanos.add(roundTripNanos);
            latencySamples.increment();
        }
    }

    /**
     * Recomputes the prefetch from the last interval's rate and the round-trip average, and resizes the permits.
     *
     * @param nowNanos the time now
     * @return the prefetch now
     */
    public int tick(long nowNanos) {
        long elapsed = nowNanos - lastTickNanos;
        if (elapsed <= 0) {
            return prefetch;
        }
        lastTickNanos = nowNanos;
        double rate = received.sumThenReset() / (elapsed / 1e9);
        long samples = latencySamples.sumThenReset();
        long latencyTotal = latencyNanos.sumThenReset();
        if (samples > 0) {
            double sample = latencyTotal / (double) samples / 1e9;
            latencySeconds = latencySeconds == 0 ? sample
                    : LATENCY_WEIGHT * sample + (1 - LATENCY_WEIGHT) * latencySeconds;
        }
        int target = (int) Math.min(max, floor + Math.round(HEADROOM * rate * latencySeconds));
        int next = target >= prefetch ? target : prefetch - (int) Math.ceil((prefetch - target) / 4.0);
        if (next != prefetch) {
            log.debug("prefetch {} -> {} ({} msg/s, receive round trip {} ms)", prefetch, next, Math.round(rate),
                    String.format("%.2f", latencySeconds * 1e3));
            prefetch = next;
            permits.resize(maxConcurrency + prefetch);
        }
        return prefetch;
    }
}
