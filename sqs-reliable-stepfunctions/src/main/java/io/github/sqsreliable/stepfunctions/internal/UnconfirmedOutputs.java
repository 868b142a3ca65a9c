package io.github.sqsreliable.stepfunctions.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Outputs whose SendTaskSuccess failed in a way worth retrying, by message id: the message's next attempt on this
 * consumer sends the same output again instead of running the handler again. Bounded in entries and characters; the
 * oldest go first, and a message whose output went runs its handler again.
 */
final class UnconfirmedOutputs {

    /** The most outputs kept. */
    static final int MAX_OUTPUTS = 1_000;
    /** The most characters kept, all outputs together: 32 MiB as Java strings hold them. */
    static final long MAX_CHARACTERS = 16L * 1024 * 1024;

    private record Output(String token, String json) {
    }

    private final int maxOutputs;
    private final long maxCharacters;
    private final Map<String, Output> outputs = new LinkedHashMap<>();
    private long characters;

    UnconfirmedOutputs() {
        this(MAX_OUTPUTS, MAX_CHARACTERS);
    }

    UnconfirmedOutputs(int maxOutputs, long maxCharacters) {
        this.maxOutputs = maxOutputs;
        this.maxCharacters = maxCharacters;
    }

    /**
     * @param messageId the message
     * @param token its task token
     * @param json the output SendTaskSuccess did not deliver
     */
    synchronized void put(String messageId, String token, String json) {
        remove(messageId);
        outputs.put(messageId, new Output(token, json));
        characters += json.length();
        Iterator<Output> oldest = outputs.values().iterator();
        while ((outputs.size() > maxOutputs || characters > maxCharacters) && oldest.hasNext()) {
            characters -= oldest.next().json().length();
            oldest.remove();
        }
    }

    /**
     * @param messageId the message
     * @param token its task token: a copy with another token (another execution's) does not get this output
     * @return the output kept for it, or {@code null}
     */
    synchronized String get(String messageId, String token) {
        Output output = outputs.get(messageId);
        return output != null && output.token().equals(token) ? output.json() : null;
    }

    /** @param messageId a message whose task is over: its output is not kept */
    synchronized void remove(String messageId) {
        Output removed = outputs.remove(messageId);
        if (removed != null) {
            characters -= removed.json().length();
        }
    }

    /** @return how many outputs are kept */
    synchronized int size() {
        return outputs.size();
    }
}
