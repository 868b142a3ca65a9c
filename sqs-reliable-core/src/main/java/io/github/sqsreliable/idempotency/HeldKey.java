package io.github.sqsreliable.idempotency;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.dedupe.HandlerKeys;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The idempotency key that the message being handled holds: what a handler needs to record the key as done in its
 * own transaction, together with its effects, so that a crash can never leave the effect without the record.
 *
 * <p>Stores with a transactional mode ({@code JdbcIdempotencyStore.transactional}, {@code
 * DynamoDbIdempotencyStore.transactional}) read it with {@link #current()}, write the completion in the handler's
 * transaction on condition that the row still carries {@link #token()}, and call {@link #markCompletedByHandler()}
 * once that transaction committed. The consumer then deletes the message without completing the key again.
 */
public final class HeldKey {

    private final String key;
    private final FencingToken token;
    private final Duration ttl;
    private volatile boolean completedByHandler;

    /**
     * @param key the store key, as it was acquired (namespaced and hashed)
     * @param token the token of the acquisition that holds it
     * @param ttl how long the completed record must keep duplicates out
     */
    public HeldKey(String key, FencingToken token, Duration ttl) {
        this.key = Objects.requireNonNull(key, "key");
        this.token = Objects.requireNonNull(token, "token");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    /**
     * The key held by the message whose handler runs on this thread: set by the consumer (and by
     * {@code SqsBatchFunction}) around each single-message handler call of a consumer with idempotency.
     *
     * @return the key, or empty outside such a call: without idempotency, in a batch handler, on another thread
     */
    public static Optional<HeldKey> current() {
        return Optional.ofNullable(HandlerKeys.current());
    }

    /**
     * The key held by {@code message}, whose handler runs on this thread, for a transactional mode that cannot run
     * without one.
     *
     * @param message the message being handled
     * @param store the store the transactional mode completes keys in, for the error
     * @return the key
     * @throws IllegalStateException if no key is held: the handler was called outside a consumer (or Lambda
     *     function) whose idempotency store is {@code store}, or as a batch handler, or on another thread
     */
    public static HeldKey require(SqsMessage message, IdempotencyStore store) {
        return current().orElseThrow(() -> new IllegalStateException("message " + message.messageId()
                + " holds no idempotency key: a transactional handler runs only as the single-message handler of a "
                + "consumer (or Lambda function) whose idempotency store is " + store));
    }

    /** @return the store key, as it was acquired */
    public String key() {
        return key;
    }

    /** @return the token of the acquisition: the record may be completed only while it still carries this one */
    public FencingToken token() {
        return token;
    }

    /** @return how long the completed record keeps duplicates out: the consumer's {@code Idempotency.ttl()} */
    public Duration ttl() {
        return ttl;
    }

    /**
     * Tells the consumer that the handler's own committed transaction recorded this key as done: if the handler
     * then returns normally, the message is deleted without another store call. Call it only after the commit
     * succeeded.
     */
    public void markCompletedByHandler() {
        completedByHandler = true;
    }

    /** @return whether {@link #markCompletedByHandler()} was called */
    public boolean completedByHandler() {
        return completedByHandler;
    }

    @Override
    public String toString() {
        return "HeldKey[" + key + ", " + token.value() + (completedByHandler ? ", completed by handler]" : "]");
    }
}
