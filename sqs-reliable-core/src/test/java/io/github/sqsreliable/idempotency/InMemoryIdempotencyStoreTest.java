package io.github.sqsreliable.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.testing.IdempotencyStoreContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {

    private final InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();

    @Override
    protected IdempotencyStore store() {
        return store;
    }

    @Test
    void dropsTheSoonestExpiringCompletedRecordsWhenFull() {
        InMemoryIdempotencyStore small = InMemoryIdempotencyStore.builder().maxEntries(2).build();
        String early = newKey();
        String late = newKey();
        FencingToken earlyToken = ((AcquireResult.Acquired) small.acquire(
                List.of(new AcquireRequest(early, Duration.ofMinutes(1), null))).join().get(0)).token();
        small.complete(early, earlyToken, Duration.ofMinutes(1)).join();
        FencingToken lateToken = ((AcquireResult.Acquired) small.acquire(
                List.of(new AcquireRequest(late, Duration.ofMinutes(1), null))).join().get(0)).token();
        small.complete(late, lateToken, Duration.ofHours(1)).join();

        AcquireResult third = small.acquire(List.of(new AcquireRequest(newKey(), Duration.ofMinutes(1), null)))
                .join().get(0);

        assertThat(third).isInstanceOf(AcquireResult.Acquired.class);
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.acquire(List.of(new AcquireRequest(late, Duration.ofMinutes(1), null))).join().get(0))
                .isInstanceOf(AcquireResult.Completed.class);
    }

    @Test
    void failsWhenEveryRecordIsInProgress() {
        InMemoryIdempotencyStore small = InMemoryIdempotencyStore.builder().maxEntries(1).build();
        small.acquire(List.of(new AcquireRequest(newKey(), Duration.ofMinutes(1), null))).join();

        assertThat(small.acquire(List.of(new AcquireRequest(newKey(), Duration.ofMinutes(1), null))))
                .isCompletedExceptionally();
    }

    @Test
    void rejectsNonPositiveMaxEntries() {
        assertThatThrownBy(() -> InMemoryIdempotencyStore.builder().maxEntries(0).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.field()).isEqualTo("maxEntries"))
                .hasMessageContaining("(0)");
    }
}
