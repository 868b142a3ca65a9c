package io.github.sqsreliable.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.testing.IdempotencyStoreContract;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract against a store that leaves {@link IdempotencyStore#completeAll} to its default, as a third-party
 * store written before it existed does.
 */
class DefaultCompleteAllTest extends IdempotencyStoreContract {

    private final SingleKeyStore store = new SingleKeyStore(InMemoryIdempotencyStore.create());

    @Override
    protected IdempotencyStore store() {
        return store;
    }

    @Test
    void theDefaultCompletesEachKeyWithItsOwnCall() {
        String first = newKey();
        String second = newKey();
        List<AcquireResult> acquired = store.acquire(List.of(new AcquireRequest(first, Duration.ofMinutes(1), null),
                new AcquireRequest(second, Duration.ofMinutes(1), null))).join();
        store.completes.set(0);

        List<Boolean> answers = store.completeAll(List.of(
                new CompleteRequest(first, ((AcquireResult.Acquired) acquired.get(0)).token()),
                new CompleteRequest(second, ((AcquireResult.Acquired) acquired.get(1)).token())),
                Duration.ofMinutes(1)).join();

        assertThat(answers).containsExactly(true, true);
        assertThat(store.completes).hasValue(2);
    }

    @Test
    void theDefaultFailsWhenAnyKeyFails() {
        IdempotencyStore failing = new SingleKeyStore(InMemoryIdempotencyStore.create()) {
            @Override
            public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
                return key.equals("bad") ? CompletableFuture.failedFuture(new IllegalStateException("down"))
                        : super.complete(key, token, ttl);
            }
        };

        CompletableFuture<List<Boolean>> answers = failing.completeAll(List.of(
                new CompleteRequest("good", FencingToken.random()), new CompleteRequest("bad", FencingToken.random())),
                Duration.ofMinutes(1));

        assertThat(answers).isCompletedExceptionally();
    }

    /** Implements only the single-key operations, delegating them. */
    private static class SingleKeyStore implements IdempotencyStore {
        final IdempotencyStore delegate;
        final AtomicInteger completes = new AtomicInteger();

        SingleKeyStore(IdempotencyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> requests) {
            return delegate.acquire(requests);
        }

        @Override
        public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
            completes.incrementAndGet();
            return delegate.complete(key, token, ttl);
        }

        @Override
        public CompletableFuture<Boolean> release(String key, FencingToken token) {
            return delegate.release(key, token);
        }

        @Override
        public CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease) {
            return delegate.renew(key, token, lease);
        }
    }
}
