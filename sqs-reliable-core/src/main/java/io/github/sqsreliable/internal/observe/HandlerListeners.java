package io.github.sqsreliable.internal.observe;

import io.github.sqsreliable.observe.ConsumerListener;
import java.util.ArrayList;
import java.util.List;

/**
 * A handler that is also a {@link ConsumerListener} hears the consumer's events without a second registration:
 * integrations such as Step Functions callbacks need both the message and what became of it.
 */
public final class HandlerListeners {

    private HandlerListeners() {
    }

    /**
     * @param listeners the listeners registered on the builder
     * @param handlers the handlers set on the builder, null for those not set
     * @return the listeners, followed by each handler that is a listener and not registered already
     */
    public static List<ConsumerListener> with(List<ConsumerListener> listeners, Object... handlers) {
        List<ConsumerListener> all = new ArrayList<>(listeners);
        for (Object handler : handlers) {
            if (handler instanceof ConsumerListener listener && !all.contains(listener)) {
                all.add(listener);
            }
        }
        return List.copyOf(all);
    }
}
