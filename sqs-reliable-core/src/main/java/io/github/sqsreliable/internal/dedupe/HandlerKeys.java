package io.github.sqsreliable.internal.dedupe;

import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;

/**
 * Binds a message's {@link HeldKey} to the worker thread while its handler runs, for {@link HeldKey#current()}.
 * A thread-local because a handler's signature has no room for it, and a transactional mode reads it on the
 * handler's own thread before doing anything else.
 */
public final class HandlerKeys {

    private static final ThreadLocal<HeldKey> CURRENT = new ThreadLocal<>();

    private HandlerKeys() {
    }

    /**
     * What is wrong with a builder's idempotency for its handler, for the builders' {@code build()}.
     *
     * @param handler the builder's handler, or null
     * @param idempotency the builder's idempotency, or null
     * @return the problem with the {@code idempotency} field, or null when there is none
     */
    public static String storeProblem(MessageHandler handler, Idempotency idempotency) {
        if (!(handler instanceof KeyCompletingHandler completing)) {
            return null;
        }
        if (idempotency == null) {
            return "must be set, with store(" + completing.store() + "): the handler is transactional and records "
                    + "its message's key as done in that store";
        }
        if (idempotency.store() != completing.store()) {
            return "uses " + idempotency.store() + ", but the transactional handler records keys in "
                    + completing.store() + ": use that store";
        }
        return null;
    }

    /** @return the key bound to this thread, or null */
    public static HeldKey current() {
        return CURRENT.get();
    }

    /**
     * Binds {@code key} to this thread until the returned binding is closed.
     *
     * @param key the key, or null for none
     * @return closes the binding, restoring what was bound before
     */
    public static Binding bind(HeldKey key) {
        HeldKey previous = CURRENT.get();
        if (key == null && previous == null) {
            return Binding.NOTHING;
        }
        CURRENT.set(key);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Ends a {@link #bind}; never throws. */
    @FunctionalInterface
    public interface Binding extends AutoCloseable {
        /** Nothing was bound, so nothing to undo. */
        Binding NOTHING = () -> { };

        @Override
        void close();
    }
}
