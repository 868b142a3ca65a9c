package io.github.sqsreliable.redis.internal;

import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the reply of {@link LuaScripts#ACQUIRE}: per key, {@code 0} (acquired), {@code 1, ms, hash part} (in
 * progress) or {@code 2, hash part} (completed), where the hash part is as {@link Records#payloadHash} reads it.
 * An acquired key, the common case, costs one value.
 */
public final class AcquireReplies {

    private static final long ACQUIRED = 0;
    private static final long IN_PROGRESS = 1;
    private static final long COMPLETED = 2;

    private AcquireReplies() {
    }

    /**
     * @param reply the script's reply
     * @param tokens the token proposed for each key, in request order
     * @return one result per key, in request order
     * @throws IllegalStateException if the reply is not shaped as the script writes it
     */
    public static List<AcquireResult> decode(Object reply, List<FencingToken> tokens) {
        if (!(reply instanceof List<?> values) || values.size() < tokens.size()) {
            throw wrongShape(reply, tokens.size());
        }
        int keys = tokens.size();
        List<AcquireResult> results = new ArrayList<>(keys);
        int at = 0;
        for (FencingToken token : tokens) {
            long code = number(value(values, at++, reply, keys), reply);
            if (code == ACQUIRED) {
                results.add(new AcquireResult.Acquired(token));
            } else if (code == IN_PROGRESS) {
                long remainingMillis = number(value(values, at++, reply, keys), reply);
                String payloadHash = payloadHash(value(values, at++, reply, keys), reply);
                results.add(new AcquireResult.InProgress(Duration.ofMillis(remainingMillis), payloadHash));
            } else if (code == COMPLETED) {
                results.add(new AcquireResult.Completed(payloadHash(value(values, at++, reply, keys), reply)));
            } else {
                throw new IllegalStateException("unexpected result code " + code + " in the acquire reply");
            }
        }
        if (at != values.size()) {
            throw wrongShape(reply, tokens.size());
        }
        return results;
    }

    private static Object value(List<?> values, int at, Object reply, int keys) {
        if (at >= values.size()) {
            throw wrongShape(reply, keys);
        }
        return values.get(at);
    }

    private static long number(Object value, Object reply) {
        if (value instanceof Long number) {
            return number;
        }
        throw new IllegalStateException("unexpected value " + value + " in the acquire reply: " + describe(reply));
    }

    private static String payloadHash(Object value, Object reply) {
        if (value instanceof String rest) {
            return Records.payloadHash(rest);
        }
        throw new IllegalStateException("unexpected payload hash in the acquire reply: " + describe(reply));
    }

    private static IllegalStateException wrongShape(Object reply, int keys) {
        return new IllegalStateException("unexpected reply to the acquire script for " + keys + " keys: "
                + describe(reply));
    }

    private static String describe(Object reply) {
        return reply == null ? "null" : reply.getClass().getSimpleName() + " " + reply;
    }
}
