package io.github.sqsreliable.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.test.EmbeddedPostgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A call that waited in the store's queue longer than a statement may run fails without running. */
@Timeout(60)
class JdbcStoreQueueIT {

    @Test
    void aCallThatWaitedLongerThanTheQueryTimeoutFailsWithoutTakingItsKeys() throws Exception {
        // given a store with one thread, whose first call is stuck waiting for a connection
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        DataSource pool = SharedPostgres.pool();
        DataSource stuckOnce = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && first.getAndSet(false)) {
                        release.await(30, TimeUnit.SECONDS);
                    }
                    try {
                        return method.invoke(pool, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        String table = EmbeddedPostgres.shared().newTableName();
        try (JdbcIdempotencyStore creator = JdbcIdempotencyStore.builder().dataSource(pool).tableName(table).build()) {
            creator.createTable().join();
        }
        try (JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().dataSource(stuckOnce).tableName(table)
                .maxConcurrency(1).queryTimeout(Duration.ofSeconds(1)).build()) {
            CompletableFuture<List<AcquireResult>> stuck = store.acquire(List.of(request("a")));
            CompletableFuture<List<AcquireResult>> queued = store.acquire(List.of(request("b")));

            // when the stuck call goes on after more than the query timeout
            TimeUnit.MILLISECONDS.sleep(1_500); // the wait is what is tested
            release.countDown();

            // then the stuck call runs, and the queued one fails without running: its key is still free
            assertThat(stuck.get(10, TimeUnit.SECONDS).get(0)).isInstanceOf(AcquireResult.Acquired.class);
            ExecutionException failure = catchThrowableOfType(ExecutionException.class,
                    () -> queued.get(10, TimeUnit.SECONDS));
            assertThat(failure.getCause()).hasMessageContaining("longer than queryTimeout; not run");
            assertThat(store.acquire(List.of(request("b"))).get(10, TimeUnit.SECONDS).get(0))
                    .isInstanceOf(AcquireResult.Acquired.class);
        }
    }

    private static AcquireRequest request(String key) {
        return new AcquireRequest(key.repeat(64), Duration.ofMinutes(1), null);
    }
}
