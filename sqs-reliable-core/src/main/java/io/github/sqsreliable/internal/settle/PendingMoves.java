package io.github.sqsreliable.internal.settle;

import io.github.sqsreliable.internal.classify.Outcome;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The moves that failed, by message id: when such a message comes back, its outcome is already decided, so the
 * move is tried again and the handler does not run again. In memory only, bounded and expiring: a message whose
 * entry is gone (evicted, expired, or the process restarted) is handled again when it comes back, which is safe,
 * just one more attempt. Thread-safe.
 */
public final class PendingMoves {

    /** The first retry of a failed move; each further failure doubles it, up to {@link #MAX_BACKOFF}. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /** How long past its retry time an entry waits for its message to come back (to this consumer, or at all). */
    static final Duration GRACE = Duration.ofMinutes(15);
    static final int MAX_ENTRIES = 10_000;

    private record Entry(Outcome.Move move, int failures, long expiresAtNanos) {
    }

    private final LongSupplier nanoClock;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    // Written under the lock after every change to entries; lets pending() answer without the lock, which every
    // worker would otherwise take once per message although moves hardly ever fail.
    private volatile boolean empty = true;

    public PendingMoves(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Records a failed move and says when to try it again.
     *
     * @param messageId the original's message id
     * @param move the move that failed
     * @return the backoff before the next try: {@link #FIRST_BACKOFF}, doubled per failure of the same move
     */
    public synchronized Duration failed(String messageId, Outcome.Move move) {
        long now = nanoClock.getAsLong();
        expire(now);
        Entry previous = entries.remove(messageId);
        int failures = previous == null ? 1 : previous.failures() + 1;
        Duration backoff = backoff(failures);
        entries.put(messageId, new Entry(move, failures, now + backoff.plus(GRACE).toNanos()));
        if (entries.size() > MAX_ENTRIES) {
            Iterator<String> eldest = entries.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        empty = false;
        return backoff;
    }

    /**
     * @param messageId a received message's id
     * @return the move still to make for it, if one failed before
     */
    public Optional<Outcome.Move> pending(String messageId) {
        if (empty) {
            return Optional.empty();
        }
        synchronized (this) {
            expire(nanoClock.getAsLong());
            Entry entry = entries.get(messageId);
            return entry == null ? Optional.empty() : Optional.of(entry.move());
        }
    }

    /** @return how many times the move of this message has failed so far, 0 if none is pending */
    public synchronized int failures(String messageId) {
        Entry entry = entries.get(messageId);
        return entry == null ? 0 : entry.failures();
    }

    /** @param messageId a message whose move succeeded */
    public synchronized void moved(String messageId) {
        entries.remove(messageId);
        empty = entries.isEmpty();
    }

    public synchronized int size() {
        return entries.size();
    }

    static Duration backoff(int failures) {
        int doublings = Math.min(failures - 1, 20);
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << doublings);
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }

    /**
     * Entries are in insertion order, which is nearly expiry order (backoffs differ by minutes, the grace is longer):
     * an entry may outlive its expiry by at most {@link #MAX_BACKOFF}, which is harmless.
     */
    private void expire(long now) {
        Iterator<Entry> oldest = entries.values().iterator();
        while (oldest.hasNext()) {
            if (oldest.next().expiresAtNanos() - now > 0) {
                return;
            }
            oldest.remove();
        }
        empty = entries.isEmpty();
    }
}
