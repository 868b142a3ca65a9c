package io.github.sqsreliable.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.SqsReliableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ScriptExecutorTest {

    private static final String[] KEYS = {"k"};
    private static final String[] ARGS = {"a"};

    private final List<String> sent = new ArrayList<>();
    private final List<FakeRedisFuture<Object>> futures = new ArrayList<>();

    @Test
    void answersWithTheEvalshaReply() {
        ScriptExecutor executor = executor(Duration.ofSeconds(1), command -> FakeRedisFuture.completed(1L));

        CompletableFuture<Object> reply = executor.execute(LuaScripts.RELEASE, KEYS, ARGS, "release");

        assertThat(reply).isCompletedWithValue(1L);
        assertThat(sent).containsExactly("evalsha");
    }

    @Test
    void sendsTheSourceWhenTheServerDoesNotKnowTheScript() {
        ScriptExecutor executor = executor(Duration.ofSeconds(1), command -> command.equals("evalsha")
                ? FakeRedisFuture.failed(new RedisNoScriptException("NOSCRIPT No matching script"))
                : FakeRedisFuture.completed(1L));

        CompletableFuture<Object> reply = executor.execute(LuaScripts.RELEASE, KEYS, ARGS, "release");

        assertThat(reply).isCompletedWithValue(1L);
        assertThat(sent).containsExactly("evalsha", "eval");
    }

    @Test
    void failsWithTheStoreExceptionWhenRedisAnswersAnError() {
        ScriptExecutor executor = executor(Duration.ofSeconds(1),
                command -> FakeRedisFuture.failed(new RedisCommandExecutionException("WRONGTYPE Operation")));

        CompletableFuture<Object> reply = executor.execute(LuaScripts.RELEASE, KEYS, ARGS, "release");

        assertThat(reply).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(SqsReliableException.class)
                .withMessageContaining("Redis idempotency store: release failed")
                .withMessageContaining("WRONGTYPE");
        assertThat(sent).containsExactly("evalsha");
    }

    @Test
    void failsInsteadOfThrowingWhenLettuceRefusesTheCommand() {
        ScriptExecutor executor = executor(Duration.ofSeconds(1), command -> {
            throw new RedisException("Request queue size exceeded");
        });

        CompletableFuture<Object> reply = executor.execute(LuaScripts.RELEASE, KEYS, ARGS, "release");

        assertThat(reply).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(SqsReliableException.class)
                .withMessageContaining("Request queue size exceeded");
    }

    @Test
    void failsAfterTheTimeoutAndCancelsTheCommandSoItIsNeverSentLate() {
        ScriptExecutor executor = executor(Duration.ofMillis(50), command -> new FakeRedisFuture<>());

        CompletableFuture<Object> reply = executor.execute(LuaScripts.ACQUIRE, KEYS, ARGS, "acquire (1 keys)");

        assertThat(reply).failsWithin(Duration.ofSeconds(2)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(SqsReliableException.class)
                .withMessageContaining("no answer to acquire (1 keys) within PT0.05S (commandTimeout)");
        assertThat(futures).singleElement().satisfies(command -> assertThat(command.isCancelled()).isTrue());
    }

    private ScriptExecutor executor(Duration timeout, Function<String, FakeRedisFuture<Object>> answer) {
        Object commands = Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RedisScriptingAsyncCommands.class}, (proxy, method, args) -> {
                    sent.add(method.getName());
                    FakeRedisFuture<Object> future = answer.apply(method.getName());
                    futures.add(future);
                    return future;
                });
        @SuppressWarnings("unchecked")
        RedisScriptingAsyncCommands<String, String> typed = (RedisScriptingAsyncCommands<String, String>) commands;
        return new ScriptExecutor(typed, timeout);
    }

    /** A Lettuce future completed by the test. */
    private static final class FakeRedisFuture<T> extends CompletableFuture<T> implements RedisFuture<T> {

        static FakeRedisFuture<Object> completed(Object value) {
            FakeRedisFuture<Object> future = new FakeRedisFuture<>();
            future.complete(value);
            return future;
        }

        static FakeRedisFuture<Object> failed(Throwable error) {
            FakeRedisFuture<Object> future = new FakeRedisFuture<>();
            future.completeExceptionally(error);
            return future;
        }

        @Override
        public String getError() {
            return null;
        }

        @Override
        public boolean await(long timeout, TimeUnit unit) {
            return isDone();
        }
    }
}
