package io.github.sqsreliable.stepfunctions.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest message ids seen, at most a fixed number: enough to send SendTaskFailure once per message although
 * a permanent failure is reported twice (failed, then dead-lettered) and a move may be retried.
 */
final class RecentMessageIds {

    private final Map<String, Boolean> ids;

    RecentMessageIds(int capacity) {
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * @param messageId a message id
     * @return whether it was not among the recent ones; it is now
     */
    synchronized boolean add(String messageId) {
        return ids.put(messageId, Boolean.TRUE) == null;
    }
}
