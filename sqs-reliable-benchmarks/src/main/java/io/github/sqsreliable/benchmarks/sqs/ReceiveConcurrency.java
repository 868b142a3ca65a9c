package io.github.sqsreliable.benchmarks.sqs;

import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Watches the ReceiveMessage requests of one client to one queue: how many are in flight (at most, and on average over time),
 * and how long those that returned messages took (a receive that returned none may have waited in a long poll, so
 * its time says nothing about the round trip). Also counts every request with the given {@link RequestCounter},
 * since a client takes one interceptor in {@link Clients}. The in-flight figures bound a consumer's rate by
 * Little's law: receives in flight × 10 / round trip.
 */
public final class ReceiveConcurrency implements ExecutionInterceptor {

    private static final ExecutionAttribute<Long> SENT = new ExecutionAttribute<>("bench-receive-sent");

    private final RequestCounter counter;
    private volatile String watched = "";
    // All guarded by this.
    private int inFlight;
    private int maxInFlight;
    private long lastChangeNanos = System.nanoTime();
    private long startNanos = lastChangeNanos;
    private double inFlightNanos;
    private long roundTrips;
    private long roundTripNanos;
    private long messages;

    /** @param counter counts every request too */
    public ReceiveConcurrency(RequestCounter counter) {
        this.counter = counter;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        counter.beforeExecution(context, attributes);
        if (isWatched(context.request())) {
            attributes.putAttribute(SENT, System.nanoTime());
            change(1);
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Long sent = attributes.getAttribute(SENT);
        if (sent == null || !isWatched(context.request())) {
            return;
        }
        long now = System.nanoTime();
        change(-1);
        if (context.response() instanceof ReceiveMessageResponse response && !response.messages().isEmpty()) {
            synchronized (this) {
                roundTrips++;
                roundTripNanos += now - sent;
                messages += response.messages().size();
            }
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (attributes.getAttribute(SENT) != null && isWatched(context.request())) {
            change(-1);
        }
    }

    /** Whether a receive is of the queue watched now (one sent before {@link #watch} was of another queue). */
    private boolean isWatched(Object request) {
        return request instanceof ReceiveMessageRequest receive && watched.equals(receive.queueUrl());
    }

    private synchronized void change(int step) {
        long now = System.nanoTime();
        inFlightNanos += (double) inFlight * (now - lastChangeNanos);
        lastChangeNanos = now;
        inFlight += step;
        maxInFlight = Math.max(maxInFlight, inFlight);
    }

    /**
     * Starts a new measurement of the receives from one queue (consumers of earlier queues may still be closing
     * with long polls in flight on the same client: they do not count).
     */
    public synchronized void watch(String queueUrl) {
        watched = queueUrl;
        inFlight = 0;
        long now = System.nanoTime();
        startNanos = now;
        lastChangeNanos = now;
        inFlightNanos = 0;
        maxInFlight = inFlight;
        roundTrips = 0;
        roundTripNanos = 0;
        messages = 0;
    }

    /** The figures since {@link #watch}. */
    public synchronized Snapshot snapshot() {
        long now = System.nanoTime();
        double area = inFlightNanos + (double) inFlight * (now - lastChangeNanos);
        return new Snapshot(maxInFlight, now > startNanos ? area / (now - startNanos) : 0,
                roundTrips == 0 ? Double.NaN : roundTripNanos / (double) roundTrips / TimeUnit.MILLISECONDS.toNanos(1),
                roundTrips == 0 ? Double.NaN : messages / (double) roundTrips);
    }

    /**
     * @param maxInFlight the most receives in flight at once
     * @param meanInFlight receives in flight on average over the time measured
     * @param roundTripMillis the mean time of a receive that returned messages
     * @param messagesPerReceive messages per receive that returned any
     */
    public record Snapshot(int maxInFlight, double meanInFlight, double roundTripMillis, double messagesPerReceive) {

        /** The rate {@code receives} in flight allow at this round trip, by Little's law, in messages per second. */
        public double littleBound(double receives) {
            return receives * 10 / (roundTripMillis / 1000);
        }
    }
}
