package io.github.sqsreliable.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Names threads {@code PREFIX-ROLE-N} (or {@code PREFIX-ROLE} for a single thread) and logs what escapes them. */
public final class NamedThreadFactory implements ThreadFactory {

    private static final Logger log = LoggerFactory.getLogger(NamedThreadFactory.class);

    private final String name;
    private final boolean numbered;
    private final boolean daemon;
    private final AtomicInteger next = new AtomicInteger(1);

    /**
     * @param name the thread name, e.g. {@code sqs-reliable-orders-worker}
     * @param numbered whether to append {@code -1}, {@code -2}, ...
     * @param daemon whether the threads must not keep the JVM alive
     */
    public NamedThreadFactory(String name, boolean numbered, boolean daemon) {
        this.name = name;
        this.numbered = numbered;
        this.daemon = daemon;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, numbered ? name + "-" + next.getAndIncrement() : name);
        thread.setDaemon(daemon);
        thread.setUncaughtExceptionHandler((t, e) -> log.error("uncaught exception in {}", t.getName(), e));
        return thread;
    }
}
