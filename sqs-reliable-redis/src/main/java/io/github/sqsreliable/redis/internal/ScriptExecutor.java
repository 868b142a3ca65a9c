package io.github.sqsreliable.redis.internal;

import io.github.sqsreliable.SqsReliableException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@link RedisScript} as one command: {@code EVALSHA}, and {@code EVAL} (which also caches the script on
 * that server) only when the server answers {@code NOSCRIPT}, as after a restart or {@code SCRIPT FLUSH}.
 *
 * <p>Every call is bounded by the command timeout: a call that has no answer by then fails with a
 * {@link SqsReliableException}, and its Lettuce command is cancelled, so that a command queued while Redis is
 * unreachable is not sent once it is back. Every other failure (connection closed, a script error, a full
 * request queue) also ends as a failed future, never as an exception thrown to the caller.
 *
 * <p>Thread-safe. The futures complete on Lettuce's I/O threads or on the JDK's timeout thread: dependent stages
 * must not block.
 */
public final class ScriptExecutor {

    private final RedisScriptingAsyncCommands<String, String> commands;
    private final Duration timeout;

    /**
     * @param commands where scripts run: a standalone or cluster connection's async commands
     * @param timeout how long a call may take
     */
    public ScriptExecutor(RedisScriptingAsyncCommands<String, String> commands, Duration timeout) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Runs a script. In a cluster, all keys must hash to one slot; the command goes to that slot's primary.
     *
     * @param script the script
     * @param keys its KEYS
     * @param args its ARGV
     * @param operation what the call does, for error messages, e.g. {@code "acquire (10 keys)"}
     * @return the reply, as Lettuce decodes the script's output type; or a failed future
     */
    public CompletableFuture<Object> execute(RedisScript script, String[] keys, String[] args, String operation) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        AtomicReference<Future<?>> inFlight = new AtomicReference<>();
        try {
            RedisFuture<Object> bySha = commands.evalsha(script.sha1(), script.outputType(), keys, args);
            inFlight.set(bySha);
            bySha.whenComplete((value, error) -> {
                if (error == null) {
                    reply.complete(value);
                } else if (unwrap(error) instanceof RedisNoScriptException && !reply.isDone()) {
                    evalSource(script, keys, args, reply, inFlight);
                } else {
                    reply.completeExceptionally(unwrap(error));
                }
            });
        } catch (RuntimeException e) {
            reply.completeExceptionally(e);
        }
        reply.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);

        CompletableFuture<Object> result = new CompletableFuture<>();
        reply.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = unwrap(error);
            if (cause instanceof TimeoutException) {
                Future<?> command = inFlight.get();
                if (command != null) {
                    command.cancel(false);
                }
                result.completeExceptionally(new SqsReliableException("Redis idempotency store: no answer to "
                        + operation + " within " + timeout + " (commandTimeout)"));
            } else {
                result.completeExceptionally(new SqsReliableException("Redis idempotency store: " + operation
                        + " failed: " + cause, cause));
            }
        });
        return result;
    }

    private void evalSource(RedisScript script, String[] keys, String[] args, CompletableFuture<Object> reply,
                            AtomicReference<Future<?>> inFlight) {
        try {
            RedisFuture<Object> bySource = commands.eval(script.source(), script.outputType(), keys, args);
            inFlight.set(bySource);
            if (reply.isDone()) {
                bySource.cancel(false);
            }
            bySource.whenComplete((value, error) -> {
                if (error == null) {
                    reply.complete(value);
                } else {
                    reply.completeExceptionally(unwrap(error));
                }
            });
        } catch (RuntimeException e) {
            reply.completeExceptionally(e);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
