package io.github.sqsreliable.redis.internal;

import java.util.ArrayList;
import java.util.List;

/** Decodes the reply of {@link LuaScripts#COMPLETE_ALL}: one 1 or 0 per key. */
public final class CompleteAllReplies {

    private CompleteAllReplies() {
    }

    /**
     * @param reply the script's reply
     * @param keys how many keys the script was given
     * @return one answer per key, in request order: true if completed
     * @throws IllegalStateException if the reply is not shaped as the script writes it
     */
    public static List<Boolean> decode(Object reply, int keys) {
        if (!(reply instanceof List<?> values) || values.size() != keys) {
            throw new IllegalStateException("unexpected reply to the completeAll script for " + keys + " keys: "
                    + describe(reply));
        }
        List<Boolean> answers = new ArrayList<>(keys);
        for (Object value : values) {
            if (!(value instanceof Long flag) || (flag != 0L && flag != 1L)) {
                throw new IllegalStateException("unexpected value " + value + " in the completeAll reply: "
                        + describe(reply));
            }
            answers.add(flag == 1L);
        }
        return answers;
    }

    private static String describe(Object reply) {
        return reply == null ? "null" : reply.getClass().getSimpleName() + " " + reply;
    }
}
