package io.github.sqsreliable.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.test.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Redis that stops: calls fail within the command timeout, and work again once it is back. */
@Timeout(120)
class RedisOutageIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    private static final Duration LEASE = Duration.ofMinutes(5);

    private EmbeddedRedis server;
    private ClientResources resources;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisIdempotencyStore store;

    @BeforeEach
    void start() {
        server = EmbeddedRedis.startPrivate();
        resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
        client = RedisClient.create(resources, server.uri());
        connection = client.connect();
        store = RedisIdempotencyStore.builder().connection(connection).commandTimeout(COMMAND_TIMEOUT).build();
    }

    @AfterEach
    void stop() {
        if (connection.isOpen()) {
            connection.close();
        }
        client.shutdown();
        resources.shutdown();
        server.close();
    }

    @Test
    void callsFailWithinTheCommandTimeoutWhileRedisIsDownAndSucceedOnceItIsBack() {
        String held = UUID.randomUUID().toString();
        FencingToken token = acquired(held);
        server.stop();

        long started = System.nanoTime();
        CompletableFuture<List<AcquireResult>> acquire = store.acquire(List.of(request(UUID.randomUUID().toString())));
        CompletableFuture<Boolean> complete = store.complete(held, token, LEASE);
        CompletableFuture<Boolean> release = store.release(held, token);
        CompletableFuture<Boolean> renew = store.renew(held, token, LEASE);

        for (CompletableFuture<?> call : List.of(acquire, complete, release, renew)) {
            assertThat(call).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(SqsReliableException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(COMMAND_TIMEOUT.plus(Duration.ofSeconds(2)));

        server.start();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> store.acquire(List.of(request(UUID.randomUUID().toString()))).join().get(0)
                        instanceof AcquireResult.Acquired);
    }

    @Test
    void aCallThatTimedOutIsNotSentLaterWhenRedisIsBack() {
        acquired(UUID.randomUUID().toString());
        server.stop();
        String key = UUID.randomUUID().toString();

        CompletableFuture<List<AcquireResult>> duringOutage = store.acquire(List.of(request(key)));
        assertThat(duringOutage).failsWithin(Duration.ofSeconds(5));
        server.start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> store.acquire(List.of(request(UUID.randomUUID().toString()))).join().get(0)
                        instanceof AcquireResult.Acquired);

        assertThat(store.acquire(List.of(request(key))).join().get(0)).isInstanceOf(AcquireResult.Acquired.class);
    }

    @Test
    void callsFailFastOnAClosedConnection() {
        connection.close();

        assertThat(store.acquire(List.of(request(UUID.randomUUID().toString()))))
                .failsWithin(Duration.ofSeconds(2))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(SqsReliableException.class);
    }

    private FencingToken acquired(String key) {
        AcquireResult result = store.acquire(List.of(request(key))).join().get(0);
        assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
        return ((AcquireResult.Acquired) result).token();
    }

    private static AcquireRequest request(String key) {
        return new AcquireRequest(key, LEASE, null);
    }
}
