package io.github.sqsreliable.test.internal;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique queue names that SQS accepts: at most {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9_-]}, a FIFO
 * queue's ending in {@value #FIFO_SUFFIX} (which counts towards the limit). Not API.
 */
public final class QueueNames {

    /** SQS's limit on a queue name's length, the {@code .fifo} suffix included. */
    public static final int MAX_LENGTH = 80;
    /** How a FIFO queue's name must end. */
    public static final String FIFO_SUFFIX = ".fifo";
    /** Room kept for what a companion queue appends to its source queue's name, e.g. {@code -retry}. */
    public static final int COMPANION_SUFFIX_ROOM = 6;

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private QueueNames() {
    }

    /**
     * A name no other queue of this JVM has: the sanitised prefix, a sequence number and a random part, with room
     * left for a companion suffix ({@value #COMPANION_SUFFIX_ROOM} characters) and {@value #FIFO_SUFFIX}.
     *
     * @param prefix anything, e.g. a test method's name; characters SQS rejects become {@code _}
     * @param fifo whether the name ends in {@value #FIFO_SUFFIX}
     * @return the name
     */
    public static String unique(String prefix, boolean fifo) {
        String unique = "-" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        int room = MAX_LENGTH - unique.length() - COMPANION_SUFFIX_ROOM - FIFO_SUFFIX.length();
        return sanitise(prefix, room) + unique + (fifo ? FIFO_SUFFIX : "");
    }

    /**
     * The name of a queue that belongs with another, e.g. its dead-letter queue: {@code orders-1-ab12cd34.fifo}
     * with {@code -dlq} is {@code orders-1-ab12cd34-dlq.fifo}.
     *
     * @param name a name from {@link #unique(String, boolean)}
     * @param suffix at most {@value #COMPANION_SUFFIX_ROOM} characters of {@code [A-Za-z0-9_-]}
     * @return the companion's name, FIFO if {@code name} is
     */
    public static String companion(String name, String suffix) {
        if (suffix.length() > COMPANION_SUFFIX_ROOM || !sanitise(suffix, COMPANION_SUFFIX_ROOM).equals(suffix)) {
            throw new IllegalArgumentException("suffix (" + suffix + ") must be at most " + COMPANION_SUFFIX_ROOM
                    + " characters of [A-Za-z0-9_-]");
        }
        return name.endsWith(FIFO_SUFFIX)
                ? name.substring(0, name.length() - FIFO_SUFFIX.length()) + suffix + FIFO_SUFFIX
                : name + suffix;
    }

    /**
     * @param text anything
     * @param maxLength the longest result
     * @return {@code text} with every character outside {@code [A-Za-z0-9_-]} replaced by {@code _}, cut to
     *     {@code maxLength}; {@code "queue"} if {@code text} is null or empty
     */
    public static String sanitise(String text, int maxLength) {
        String source = text == null || text.isEmpty() ? "queue" : text;
        StringBuilder name = new StringBuilder(Math.min(source.length(), maxLength));
        for (int i = 0; i < source.length() && name.length() < maxLength; i++) {
            char c = source.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            name.append(allowed ? c : '_');
        }
        return name.toString();
    }
}
