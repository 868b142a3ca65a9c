package io.github.sqsreliable.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Where the consumer records which keys are being handled and which are done, so that a message delivered twice
 * (or sent twice) is handled once. Every operation is atomic per key (put-if-absent semantics): of several
 * callers acquiring the same free key at once, exactly one gets {@link AcquireResult.Acquired}.
 *
 * <p>Expiry is decided by timestamps stored in each record, never by relying on a backend deleting expired
 * records: a lease or a completed record that has expired is treated as absent even while it still exists.
 *
 * <p>Implementations are thread-safe and never block the calling thread: they return futures. The consumer
 * closes nothing it was given; a store owns only what it created.
 */
public interface IdempotencyStore {

    /**
     * Acquires several keys, in one round trip where the backend allows. A key is acquired when it is absent,
     * its lease has expired, or its completed record has expired.
     *
     * @param requests the keys, each at most once
     * @return one result per request, in the same order
     */
    CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> requests);

    /**
     * Marks a key done, if {@code token} still holds it.
     *
     * @param key the key
     * @param token the token of the acquisition
     * @param ttl how long the completed record keeps duplicates out
     * @return true if completed; false if the token no longer holds the key (expired and taken over)
     */
    CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl);

    /**
     * Marks several keys done, in one round trip where the backend allows; each key exactly as
     * {@link #complete} would (only if its token still holds it). The consumer completes the keys of the messages
     * handled in the last few milliseconds with one call, so this is the call that decides how many round trips a
     * message costs: override it when the backend can do better than one call per key.
     *
     * <p>The default calls {@link #complete} for each key, all at once, and answers when every one has answered.
     *
     * <p>The returned future fails when any key's answer could not be had. Keys whose change took effect stay
     * completed; completing one of them again then answers {@code false}, like any key the token no longer holds.
     *
     * @param requests the keys, each at most once
     * @param ttl how long the completed records keep duplicates out
     * @return one answer per request, in the same order: true if completed, false if the token no longer holds
     *     the key
     */
    default CompletableFuture<List<Boolean>> completeAll(List<CompleteRequest> requests, Duration ttl) {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(ttl, "ttl");
        List<CompletableFuture<Boolean>> answers = new ArrayList<>(requests.size());
        for (CompleteRequest request : requests) {
            CompletableFuture<Boolean> answer;
            try {
                answer = complete(request.key(), request.token(), ttl);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answers.add(answer);
        }
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]))
                .thenApply(allAnswered -> answers.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Gives a key up after a failure, if {@code token} still holds it, so the next delivery can acquire it.
     *
     * @param key the key
     * @param token the token of the acquisition
     * @return true if released; false if the token no longer holds the key
     */
    CompletableFuture<Boolean> release(String key, FencingToken token);

    /**
     * Extends a held key's lease, if {@code token} still holds it and the lease has not expired.
     *
     * @param key the key
     * @param token the token of the acquisition
     * @param lease the new lease, counted from now
     * @return true if renewed; false if the token no longer holds the key
     */
    CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease);
}
