package io.github.sqsreliable.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.test.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How many commands the store sends: counted by the client (a Lettuce command listener) and by the server
 * ({@code INFO commandstats}, where every script run also counts one {@code TIME}). On a private server, so that
 * nothing else's commands are counted.
 */
class RedisRoundTripIT {

    private static final Pattern CALLS = Pattern.compile("^cmdstat_([^:]+):calls=(\\d+)", Pattern.MULTILINE);
    private static final List<String> SENT = Collections.synchronizedList(new ArrayList<>());

    private static EmbeddedRedis server;
    private static RedisClient storeClient;
    private static RedisClient statsClient;
    private static StatefulRedisConnection<String, String> storeConnection;
    private static StatefulRedisConnection<String, String> statsConnection;
    private static RedisCommands<String, String> redis;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void start() {
        server = EmbeddedRedis.startPrivate();
        storeClient = RedisClient.create(server.uri());
        storeClient.addListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                SENT.add(event.getCommand().getType().toString());
            }
        });
        storeConnection = storeClient.connect();
        statsClient = RedisClient.create(server.uri());
        statsConnection = statsClient.connect();
        redis = statsConnection.sync();
        store = RedisIdempotencyStore.builder().connection(storeConnection).build();
    }

    @AfterAll
    static void stop() {
        storeConnection.close();
        statsConnection.close();
        storeClient.shutdown();
        statsClient.shutdown();
        server.close();
    }

    @BeforeEach
    void cacheTheScripts() {
        List<AcquireRequest> requests = batch(1);
        FencingToken token = tokenOf(store.acquire(requests).join().get(0));
        store.renew(requests.get(0).key(), token, Duration.ofMinutes(1)).join();
        store.complete(requests.get(0).key(), token, Duration.ofMinutes(1)).join();
        store.release(requests.get(0).key(), token).join();
        store.completeAll(List.of(new CompleteRequest(requests.get(0).key(), token)), Duration.ofMinutes(1)).join();
        SENT.clear();
    }

    @Test
    void acquiringABatchOfTenIsOneEvalsha() {
        Map<String, Long> before = commandCalls();

        for (int i = 0; i < 10; i++) {
            List<AcquireResult> results = store.acquire(batch(10)).join();
            assertThat(results).hasSize(10).allMatch(AcquireResult.Acquired.class::isInstance);
        }

        assertThat(SENT).hasSize(10).containsOnly("EVALSHA");
        assertThat(scriptRuns(before, commandCalls())).isEqualTo(Map.of("evalsha", 10L, "time", 10L));
    }

    @Test
    void completeReleaseAndRenewAreOneEvalshaEach() {
        List<AcquireRequest> requests = batch(3);
        List<AcquireResult> acquired = store.acquire(requests).join();
        SENT.clear();
        Map<String, Long> before = commandCalls();

        store.complete(requests.get(0).key(), tokenOf(acquired.get(0)), Duration.ofMinutes(1)).join();
        store.release(requests.get(1).key(), tokenOf(acquired.get(1))).join();
        store.renew(requests.get(2).key(), tokenOf(acquired.get(2)), Duration.ofMinutes(1)).join();

        assertThat(SENT).containsExactly("EVALSHA", "EVALSHA", "EVALSHA");
        assertThat(scriptRuns(before, commandCalls())).isEqualTo(Map.of("evalsha", 3L, "time", 3L));
    }

    @Test
    void completingABatchOfTwentyFiveIsOneEvalsha() {
        List<AcquireRequest> requests = batch(25);
        List<AcquireResult> acquired = store.acquire(requests).join();
        List<CompleteRequest> completions = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            completions.add(new CompleteRequest(requests.get(i).key(), tokenOf(acquired.get(i))));
        }
        SENT.clear();
        Map<String, Long> before = commandCalls();

        List<Boolean> answers = store.completeAll(completions, Duration.ofMinutes(1)).join();

        assertThat(answers).hasSize(25).containsOnly(true);
        assertThat(SENT).containsExactly("EVALSHA");
        assertThat(scriptRuns(before, commandCalls())).isEqualTo(Map.of("evalsha", 1L, "time", 1L));
    }

    @Test
    void theCompleteAllScriptFlushedFromTheServerIsSentAgainOnce() {
        List<AcquireRequest> requests = batch(2);
        List<AcquireResult> acquired = store.acquire(requests).join();
        redis.scriptFlush();
        SENT.clear();

        List<Boolean> answers = store.completeAll(List.of(
                new CompleteRequest(requests.get(0).key(), tokenOf(acquired.get(0))),
                new CompleteRequest(requests.get(1).key(), tokenOf(acquired.get(1)))), Duration.ofMinutes(1)).join();

        assertThat(answers).containsExactly(true, true);
        assertThat(SENT).containsExactly("EVALSHA", "EVAL");
    }

    @Test
    void scriptsFlushedFromTheServerAreSentAgainOnce() {
        redis.scriptFlush();
        Map<String, Long> before = commandCalls();

        List<AcquireResult> afterFlush = store.acquire(batch(10)).join();
        List<AcquireResult> next = store.acquire(batch(10)).join();

        assertThat(afterFlush).allMatch(AcquireResult.Acquired.class::isInstance);
        assertThat(next).allMatch(AcquireResult.Acquired.class::isInstance);
        assertThat(SENT).containsExactly("EVALSHA", "EVAL", "EVALSHA");
        // The first EVALSHA is answered NOSCRIPT before the script runs: two runs, two TIMEs.
        assertThat(scriptRuns(before, commandCalls())).isEqualTo(Map.of("evalsha", 2L, "eval", 1L, "time", 2L));
    }

    private static List<AcquireRequest> batch(int size) {
        List<AcquireRequest> requests = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            requests.add(new AcquireRequest(UUID.randomUUID().toString(), Duration.ofMinutes(5), "h"));
        }
        return requests;
    }

    private static FencingToken tokenOf(AcquireResult result) {
        return ((AcquireResult.Acquired) result).token();
    }

    private static Map<String, Long> commandCalls() {
        Map<String, Long> calls = new HashMap<>();
        Matcher matcher = CALLS.matcher(redis.info("commandstats"));
        while (matcher.find()) {
            calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return calls;
    }

    /** Script calls and the TIME each run takes, counted by the server between two snapshots. */
    private static Map<String, Long> scriptRuns(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> runs = new HashMap<>();
        for (String command : List.of("evalsha", "eval", "time")) {
            long delta = after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
            if (delta != 0) {
                runs.put(command, delta);
            }
        }
        return runs;
    }
}
