package io.github.sqsreliable.idempotency;

import io.github.sqsreliable.InvalidConfigurationException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link IdempotencyStore} in this JVM's memory: for a single consumer instance, and for tests. Nothing
 * survives a restart, and other processes do not see it.
 *
 * <p>Bounded: when it holds {@code maxEntries} records, expired ones are swept first, then the completed records
 * that expire soonest are dropped (duplicates of those would then be handled again); keys being handled are never
 * dropped. If every record is in progress, acquire fails and the consumer treats the store as unavailable.
 *
 * <pre>{@code
 * IdempotencyStore store = InMemoryIdempotencyStore.builder().maxEntries(100_000).build();
 * }</pre>
 *
 * Thread-safe; every operation completes before it returns.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    /** Default {@link Builder#maxEntries(int)}: {@value}. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private enum State { IN_PROGRESS, COMPLETED }

    private record Entry(State state, FencingToken token, long expiresAtMillis, String payloadHash) {
        boolean expired(long now) {
            return expiresAtMillis <= now;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final Clock clock;

    private InMemoryIdempotencyStore(Builder builder) {
        this.maxEntries = builder.maxEntries;
        this.clock = builder.clock;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a store with the defaults */
    public static InMemoryIdempotencyStore create() {
        return builder().build();
    }

    @Override
    public CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> requests) {
        List<AcquireResult> results = new ArrayList<>(requests.size());
        for (AcquireRequest request : requests) {
            try {
                results.add(acquireOne(request));
            } catch (IllegalStateException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.completedFuture(results);
    }

    private AcquireResult acquireOne(AcquireRequest request) {
        if (entries.size() >= maxEntries && !entries.containsKey(request.key())) {
            makeRoom();
        }
        long now = clock.millis();
        AtomicReference<AcquireResult> result = new AtomicReference<>();
        entries.compute(request.key(), (key, existing) -> {
            if (existing == null || existing.expired(now)) {
                FencingToken token = FencingToken.random();
                result.set(new AcquireResult.Acquired(token));
                return new Entry(State.IN_PROGRESS, token, now + request.lease().toMillis(), request.payloadHash());
            }
            result.set(existing.state() == State.COMPLETED ? new AcquireResult.Completed(existing.payloadHash())
                    : new AcquireResult.InProgress(Duration.ofMillis(existing.expiresAtMillis() - now),
                            existing.payloadHash()));
            return existing;
        });
        return result.get();
    }

    @Override
    public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
        return CompletableFuture.completedFuture(replaceIfHeld(key, token,
                held -> new Entry(State.COMPLETED, held.token(), clock.millis() + ttl.toMillis(), held.payloadHash())));
    }

    @Override
    public CompletableFuture<List<Boolean>> completeAll(List<CompleteRequest> requests, Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        List<Boolean> answers = new ArrayList<>(requests.size());
        for (CompleteRequest request : requests) {
            answers.add(replaceIfHeld(request.key(), request.token(), held -> new Entry(State.COMPLETED,
                    held.token(), clock.millis() + ttl.toMillis(), held.payloadHash())));
        }
        return CompletableFuture.completedFuture(answers);
    }

    @Override
    public CompletableFuture<Boolean> release(String key, FencingToken token) {
        return CompletableFuture.completedFuture(replaceIfHeld(key, token, held -> null));
    }

    @Override
    public CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease) {
        return CompletableFuture.completedFuture(replaceIfHeld(key, token,
                held -> new Entry(State.IN_PROGRESS, held.token(), clock.millis() + lease.toMillis(),
                        held.payloadHash())));
    }

    /** @return how many records are held, expired ones included until swept */
    public int size() {
        return entries.size();
    }

    private boolean replaceIfHeld(String key, FencingToken token,
                                  java.util.function.UnaryOperator<Entry> replacement) {
        long now = clock.millis();
        boolean[] held = {false};
        entries.computeIfPresent(key, (k, existing) -> {
            if (existing.state() != State.IN_PROGRESS || !existing.token().equals(token) || existing.expired(now)) {
                return existing;
            }
            held[0] = true;
            return replacement.apply(existing);
        });
        return held[0];
    }

    private synchronized void makeRoom() {
        long now = clock.millis();
        entries.entrySet().removeIf(e -> e.getValue().expired(now));
        int excess = entries.size() - maxEntries + 1;
        if (excess <= 0) {
            return;
        }
        List<Map.Entry<String, Entry>> completed = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().state() == State.COMPLETED) {
                completed.add(e);
            }
        }
        completed.sort(Comparator.comparingLong(e -> e.getValue().expiresAtMillis()));
        for (int i = 0; i < Math.min(excess, completed.size()); i++) {
            entries.remove(completed.get(i).getKey(), completed.get(i).getValue());
        }
        if (entries.size() >= maxEntries) {
            throw new IllegalStateException("in-memory idempotency store is full: " + entries.size()
                    + " keys are being handled (maxEntries " + maxEntries + ")");
        }
    }

    /** Builds an {@link InMemoryIdempotencyStore}; not thread-safe. */
    public static final class Builder {
        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * @param maxEntries the most records held; 1 to 100,000,000
         * @return this builder
         */
        public Builder maxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * @param clock the time source for leases and expiry; for tests
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * @return the store
         * @throws InvalidConfigurationException naming the rejected field
         */
        public InMemoryIdempotencyStore build() {
            if (maxEntries < 1 || maxEntries > 100_000_000) {
                throw InvalidConfigurationException.of("maxEntries", "(" + maxEntries
                        + ") must be between 1 and 100000000");
            }
            if (clock == null) {
                throw InvalidConfigurationException.of("clock", "must not be null");
            }
            return new InMemoryIdempotencyStore(this);
        }
    }
}
