package io.github.sqsreliable.stepfunctions.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.SfnAsyncClient;

/**
 * SendTaskHeartbeat for the messages whose handler runs: when the consumer extends a message's visibility, and on a
 * fixed interval if one is set. Calls are asynchronous and at most one per message is in flight; their answers are
 * handled on the SDK's threads, which only update flags. A token Step Functions refuses gets no more heartbeats.
 */
final class Heartbeats implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final SfnAsyncClient sfn;
    private final Duration interval;
    private final ScheduledThreadPoolExecutor timer;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /**
     * @param sfn the client
     * @param interval how often to beat while a handler runs, or {@code null} for only on visibility extensions
     * @param threadName the timer thread's name, used only with an interval
     */
    Heartbeats(SfnAsyncClient sfn, Duration interval, String threadName) {
        this.sfn = sfn;
        this.interval = interval;
        if (interval == null) {
            this.timer = null;
        } else {
            // One task per running handler is queued: the consumer's concurrency bounds the queue.
            this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, threadName);
                thread.setDaemon(true);
                return thread;
            });
            this.timer.setRemoveOnCancelPolicy(true);
            this.timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }
    }

    /** A handler that runs, and its heartbeats. */
    final class Running {
        private final String messageId;
        private final String token;
        private final AtomicBoolean inFlight = new AtomicBoolean();
        private volatile boolean stopped;
        private volatile ScheduledFuture<?> schedule;

        private Running(String messageId, String token) {
            this.messageId = messageId;
            this.token = token;
        }

        private void stop() {
            stopped = true;
            ScheduledFuture<?> current = schedule;
            if (current != null) {
                current.cancel(false);
            }
        }
    }

    /**
     * @param messageId the message whose handler starts
     * @param token its task token
     * @return the handle to give {@link #stop(Running)} when the handler returns
     */
    Running start(String messageId, String token) {
        Running run = new Running(messageId, token);
        running.put(messageId, run);
        if (timer != null) {
            long nanos = interval.toNanos();
            try {
                // Fixed delay, not rate: after a stall, no burst of heartbeats to catch up.
                run.schedule = timer.scheduleWithFixedDelay(() -> beat(run), nanos, nanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // closed: the handler still runs and its task is still completed, only without timed heartbeats
            }
        }
        return run;
    }

    /** @param run a handler that returned: no heartbeat after this */
    void stop(Running run) {
        run.stop();
        running.remove(run.messageId, run);
    }

    /** @param messageId a message whose visibility was extended: a heartbeat if its handler runs */
    void visibilityExtended(String messageId) {
        Running run = running.get(messageId);
        if (run != null) {
            beat(run);
        }
    }

    private void beat(Running run) {
        if (run.stopped || !run.inFlight.compareAndSet(false, true)) {
            return;
        }
        try {
            sfn.sendTaskHeartbeat(b -> b.taskToken(run.token)).whenComplete((ok, failure) -> {
                run.inFlight.set(false);
                if (failure != null) {
                    heartbeatFailed(run, failure);
                }
            });
        } catch (RuntimeException e) {
            run.inFlight.set(false);
            heartbeatFailed(run, e);
        }
    }

    private void heartbeatFailed(Running run, Throwable failure) {
        if (SfnErrors.tokenRejected(failure)) {
            // The handler goes on: its SendTaskSuccess then reports the refusal for the message.
            run.stop();
            LOG.warn("Step Functions refused the heartbeat for message {} with {}: no more heartbeats for it",
                    run.messageId, SfnErrors.errorCode(failure));
        } else {
            LOG.warn("SendTaskHeartbeat for message {} failed; the next heartbeat is tried as usual: {}",
                    run.messageId, failure.toString());
        }
    }

    @Override
    public void close() {
        running.values().forEach(Running::stop);
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
