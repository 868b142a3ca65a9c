package io.github.sqsreliable.internal.receive;

import java.time.Duration;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes the prefetch to what the handlers need. A message's permit is out of use while the receive that will
 * bring its successor is in flight, so at {@code rate} messages handled per second and a receive round trip of
 * {@code latency}, about {@code rate × latency} permits are always tied up in receives; with fewer spare permits
 * than that, handlers wait for messages. The tuner keeps the prefetch at
 *
 * <pre>
 *   min(maximum,
 *       floor + ceil({@value #HEADROOM} × handled rate × receive round trip),
 *       floor(start rate × visibility timeout / {@value #VISIBILITY_FRACTION}))
 * </pre>
 *
 * where the floor is one receive's worth (10, or the maximum if smaller: the permits one receive takes), the
 * start rate is how fast the handlers start messages when all of them are busy ({@code maxConcurrency} divided
 * by a moving average of the handler time per message; a batch handler's call counts its time divided by its
 * messages), and the handled rate is the messages handlers finished in the last tick, never more than the start
 * rate. (On a FIFO queue with fewer busy groups than handlers, messages start slower than that.)
 *
 * <ul>
 *   <li>The rate is of messages <em>handled</em>, not received: a grant of permits raises what is received in the
 *       next interval, and sizing the next grant from that fed on itself (slow handlers with slow receives held
 *       hundreds of messages). Handlers that are all busy finish no faster for having more permits.
 *   <li>Fast handlers get deep prefetch and several receives in flight, so they are never starved.
 *   <li>Slow handlers stay near the floor, so a consumer does not hoard messages that another consumer could
 *       start. The last term bounds how long a held message waits for a handler to a quarter of the visibility
 *       timeout, so it starts before its first visibility extension is due (the default extension margin is
 *       half the timeout): with handlers of a minute and {@code maxConcurrency(1)} nothing is held beyond the
 *       running message. It applies once the first handlers have finished; until then the consumer holds its
 *       initial capacity.
 * </ul>
 *
 * <p>The maximum may grow up to a ceiling (when the user left the prefetch at its default) to what the network
 * alone needs: {@code floor + ceil(HEADROOM × handled rate × network round trip)}, where the network round trip is
 * the fastest full receive of the last {@value #NETWORK_WINDOW_TICKS} ticks. The fastest receive is the round trip
 * with the least CPU queueing in it: on loopback it stays at a few milliseconds even when client and server
 * saturate the cores and the mean round trip grows to 10 ms or more (deeper prefetch would then only make the
 * server scan more held FIFO groups), while over a network of 20 ms per request it is at least 20 ms, and
 * throughput is bound by the receives in flight.
 *
 * <p>Growth is immediate; shrinking to the rate's need goes a quarter of the way per tick, so a momentary lull
 * (a receive that came back short) does not throw away the depth the rate needs. The visibility term is applied
 * at once: it is a property of the handlers, not a lull. Either way shrinking takes permits out of circulation
 * only as they come back, so messages already held are never affected. Pollers and handlers report on their own
 * threads; {@link #tick} runs on one scheduler thread.
 */
public final class PrefetchTuner {

    private static final Logger log = LoggerFactory.getLogger(PrefetchTuner.class);

    /** How much more than the receive round trip's worth of messages to keep. */
    static final double HEADROOM = 2.0;
    /** Held messages must start within the visibility timeout divided by this. */
    static final int VISIBILITY_FRACTION = 4;
    /** How often {@link #tick} should run. */
    public static final long TICK_MILLIS = 100;
    private static final int FLOOR = 10;
    /** Ticks over which the fastest receive counts as the network's round trip: 5 s. */
    static final int NETWORK_WINDOW_TICKS = 50;
    /** Weight of the newest latency sample in the moving average. */
    private static final double LATENCY_WEIGHT = 0.3;
    /** Weight of the newest tick's handler time in the moving average (ticks in which handlers finished only). */
    private static final double HANDLER_WEIGHT = 0.2;

    private final ReceivePermits permits;
    private final int maxConcurrency;
    private final int floor;
    private final int max;
    private final int ceiling;
    private final double visibilitySeconds;
    private final LongAdder handledMessages = new LongAdder();
    private final LongAdder handlerNanos = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder latencySamples = new LongAdder();
    private final LongAccumulator fastestNanos = new LongAccumulator(Math::min, Long.MAX_VALUE);

    // Tick thread only.
    private long lastTickNanos;
    private double latencySeconds;
    // The fastest full receive of each of the last ticks that had one (a ring), and of them all: the network's
    // part of the round trip.
    private final long[] fastestOfTicks = new long[NETWORK_WINDOW_TICKS];
    private int ticksSeen;
    private double networkSeconds;
    // Handler time per message, a moving average over the ticks in which handlers finished; 0 before any did.
    private double handlerSeconds;
    private int prefetch;

    /**
     * @param permits resized as the prefetch changes; starts at {@code maxConcurrency} plus the floor
     * @param maxConcurrency handlers that may run at once
     * @param maxPrefetch the most messages to hold beyond running handlers
     * @param visibilityTimeout how long a received message stays invisible
     * @param nowNanos the time now
     */
    public PrefetchTuner(ReceivePermits permits, int maxConcurrency, int maxPrefetch, Duration visibilityTimeout,
                         long nowNanos) {
        this(permits, maxConcurrency, maxPrefetch, maxPrefetch, visibilityTimeout, nowNanos);
    }

    /**
     * @param permits resized as the prefetch changes; starts at {@code maxConcurrency} plus the floor
     * @param maxConcurrency handlers that may run at once
     * @param maxPrefetch the most messages to hold beyond running handlers, unless the network needs more
     * @param ceiling the most the maximum may grow to when the network's round trip needs more receives in flight
     *     (the maximum itself when it must not grow)
     * @param visibilityTimeout how long a received message stays invisible
     * @param nowNanos the time now
     */
    public PrefetchTuner(ReceivePermits permits, int maxConcurrency, int maxPrefetch, int ceiling,
                         Duration visibilityTimeout, long nowNanos) {
        this.permits = permits;
        this.maxConcurrency = maxConcurrency;
        this.max = maxPrefetch;
        this.ceiling = Math.max(maxPrefetch, ceiling);
        this.floor = Math.min(FLOOR, maxPrefetch);
        this.visibilitySeconds = visibilityTimeout.toNanos() / 1e9;
        this.prefetch = floor;
        this.lastTickNanos = nowNanos;
    }

    /** @return the capacity to start with: running handlers plus the floor of the prefetch */
    public static int initialCapacity(int maxConcurrency, int maxPrefetch) {
        return maxConcurrency + Math.min(FLOOR, maxPrefetch);
    }

    /**
     * @return whether the prefetch can change at all: it can shrink below the floor for slow handlers whenever
     *     there is a prefetch
     */
    public boolean adjustable() {
        return max > 0;
    }

    /**
     * Called by the receive stage after each receive that returned messages.
     *
     * @param messages how many came back
     * @param requested how many the receive asked for
     * @param roundTripNanos from sending the receive to its answer
     */
    public void received(int messages, int requested, long roundTripNanos) {
        // A receive that came back short may have waited for messages to arrive (long polling): its duration
        // says how empty the queue is, not how long the round trip takes.
        if (messages >= requested) {
            fastestNanos.accumulate(roundTripNanos);
            latencyNanos.add(roundTripNanos);
            latencySamples.increment();
        }
    }

    /**
     * Called after each handler call, on the handler's thread.
     *
     * @param messages the messages the call handled (several for a batch handler)
     * @param handlerNanos how long the call took
     */
    public void handled(int messages, long handlerNanos) {
        handledMessages.add(messages);
        this.handlerNanos.add(handlerNanos);
    }

    /**
     * Recomputes the prefetch from the last interval's handled rate, the mean handler time and the round-trip
     * average, and resizes the permits.
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
        long handled = handledMessages.sumThenReset();
        long handlerTotal = handlerNanos.sumThenReset();
        if (handled > 0) {
            // Per tick, not per message: after hours of quick handlers, handlers that turn slow must move the
            // average within a few ticks. Ticks without a finished handler leave it, so that the average of
            // minute-long handlers survives the ticks between them.
            double sample = handlerTotal / (double) handled / 1e9;
            handlerSeconds = handlerSeconds == 0 ? sample
                    : HANDLER_WEIGHT * sample + (1 - HANDLER_WEIGHT) * handlerSeconds;
        }
        long samples = latencySamples.sumThenReset();
        long latencyTotal = latencyNanos.sumThenReset();
        if (samples > 0) {
            double sample = latencyTotal / (double) samples / 1e9;
            latencySeconds = latencySeconds == 0 ? sample
                    : LATENCY_WEIGHT * sample + (1 - LATENCY_WEIGHT) * latencySeconds;
            long fastestNow = fastestNanos.getThenReset();
            if (fastestNow != Long.MAX_VALUE) {
                fastestOfTicks[ticksSeen++ % NETWORK_WINDOW_TICKS] = fastestNow;
                long fastest = Long.MAX_VALUE;
                for (int i = 0; i < Math.min(ticksSeen, NETWORK_WINDOW_TICKS); i++) {
                    fastest = Math.min(fastest, fastestOfTicks[i]);
                }
                networkSeconds = fastest / 1e9;
            }
        }
        double startRate = startRate();
        double rate = Math.min(handled / (elapsed / 1e9), startRate);
        int target = (int) Math.min(maximum(rate), floor + roundUp(HEADROOM * rate * latencySeconds));
        int next = target >= prefetch ? target : prefetch - (int) Math.ceil((prefetch - target) / 4.0);
        next = (int) Math.min(next, Math.floor(startRate * visibilitySeconds / VISIBILITY_FRACTION));
        if (next != prefetch) {
            log.debug("prefetch {} -> {} ({} msg/s handled, {} msg/s when all handlers are busy, receive round trip "
                            + "{} ms, fastest {} ms)", prefetch, next, Math.round(rate), Math.round(startRate),
                    String.format("%.2f", latencySeconds * 1e3), String.format("%.2f", networkSeconds * 1e3));
            prefetch = next;
            permits.resize(maxConcurrency + prefetch);
        }
        return prefetch;
    }

    /**
     * @return the most prefetch now: the configured maximum, or more, up to the ceiling, when the network's part
     *     of the round trip alone needs more at this rate
     */
    private long maximum(double rate) {
        if (ceiling == max) {
            return max;
        }
        return Math.min(ceiling, Math.max(max, floor + roundUp(HEADROOM * rate * networkSeconds)));
    }

    /** @return the network's part of the receive round trip, in seconds (for tests and diagnostics) */
    double networkSeconds() {
        return networkSeconds;
    }

    /**
     * @return messages per second the handlers start when all are busy, from the mean handler time per message;
     *     infinite before any handler has finished, or when handlers take no measurable time
     */
    private double startRate() {
        return handlerSeconds <= 0 ? Double.POSITIVE_INFINITY : maxConcurrency / handlerSeconds;
    }

    /** Rounds up, but not a floating-point crumb above a whole number. */
    private static long roundUp(double messages) {
        return (long) Math.ceil(messages - 1e-9);
    }
}
