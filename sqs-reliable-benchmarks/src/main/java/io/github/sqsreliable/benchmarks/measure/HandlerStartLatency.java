package io.github.sqsreliable.benchmarks.measure;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Time from a message's receive (the consumer's {@code MessageReceived} event) to the start of its handler: the
 * library's own queueing and dispatch delay. Optionally for a sample of the messages only: watching costs the
 * consumer's threads a map entry per message, which the raw loops it is compared with do not pay.
 */
public final class HandlerStartLatency implements ConsumerListener {

    private final Map<String, Long> receivedAt = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
    private final int sampleMask;

    /** Watches every message. */
    public HandlerStartLatency() {
        this(1);
    }

    /**
     * @param oneIn watch one message in this many, chosen by message id: a power of two
     */
    public HandlerStartLatency(int oneIn) {
        if (oneIn < 1 || Integer.bitCount(oneIn) != 1) {
            throw new IllegalArgumentException("oneIn must be a power of two: " + oneIn);
        }
        this.sampleMask = oneIn - 1;
    }

    @Override
    public void onReceived(ConsumerEvent.MessageReceived event) {
        String id = event.message().messageId();
        if (watched(id)) {
            receivedAt.putIfAbsent(id, System.nanoTime());
        }
    }

    /** Call first thing in the handler. */
    public void handlerStarted(SqsMessage message) {
        if (!watched(message.messageId())) {
            return;
        }
        Long received = receivedAt.remove(message.messageId());
        if (received != null) {
            nanos.add(System.nanoTime() - received);
        }
    }

    private boolean watched(String messageId) {
        return (messageId.hashCode() & sampleMask) == 0;
    }

    /** The {@code percent} percentile in milliseconds (nearest rank), or NaN without samples. */
    public double percentileMillis(double percent) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    /** Forgets everything. */
    public void reset() {
        receivedAt.clear();
        nanos.clear();
    }
}
