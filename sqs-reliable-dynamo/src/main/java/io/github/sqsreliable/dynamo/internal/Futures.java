package io.github.sqsreliable.dynamo.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Small helpers for the SDK's futures. */
final class Futures {

    private Futures() {
    }

    /**
     * Starts an SDK call, turning an exception thrown while starting it into a failed future, so that callers of
     * the store always get a future.
     */
    static <T> CompletableFuture<T> call(Supplier<? extends CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** @return the failure itself, without the wrappers futures add */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** @return an exception to throw from a dependent stage that fails its future with {@code error}'s cause */
    static CompletionException propagate(Throwable error) {
        return error instanceof CompletionException completion ? completion : new CompletionException(unwrap(error));
    }

    /** @return a future completed after {@code delay}, on no thread of the caller's */
    static CompletableFuture<Void> delay(Duration delay) {
        return CompletableFuture.runAsync(() -> { },
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    }
}
