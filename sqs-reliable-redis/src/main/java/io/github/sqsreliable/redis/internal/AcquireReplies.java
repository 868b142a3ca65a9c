package io.github.sqsreliable.redis.internal;

import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Decodes the reply of {@link LuaScripts#ACQUIRE}: three values per key. */
public final class AcquireReplies {

    private static final int VALUES_PER_KEY = 3;
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
        if (!(reply instanceof List<?> values) || values.size() != tokens.size() * VALUES_PER_KEY) {
            throw new IllegalStateException("unexpected reply to the acquire script for " + tokens.size()
                    + " keys: " + describe(reply));
        }
        List<AcquireResult> results = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            long code = number(values.get(i * VALUES_PER_KEY), reply);
            long remainingMillis = number(values.get(i * VALUES_PER_KEY + 1), reply);
            Object payloadHash = values.get(i * VALUES_PER_KEY + 2);
            if (payloadHash != null && !(payloadHash instanceof String)) {
                throw new IllegalStateException("unexpected payload hash in the acquire reply: " + describe(reply));
            }
            if (code == ACQUIRED) {
                results.add(new AcquireResult.Acquired(tokens.get(i)));
            } else if (code == IN_PROGRESS) {
                results.add(new AcquireResult.InProgress(Duration.ofMillis(remainingMillis), (String) payloadHash));
            } else if (code == COMPLETED) {
                results.add(new AcquireResult.Completed((String) payloadHash));
            } else {
                throw new IllegalStateException("unexpected result code " + code + " in the acquire reply");
            }
        }
        return results;
    }

    private static long number(Object value, Object reply) {
        if (value instanceof Long number) {
            return number;
        }
        throw new IllegalStateException("unexpected value " + value + " in the acquire reply: " + describe(reply));
    }

    private static String describe(Object reply) {
        return reply == null ? "null" : reply.getClass().getSimpleName() + " " + reply;
    }
}
