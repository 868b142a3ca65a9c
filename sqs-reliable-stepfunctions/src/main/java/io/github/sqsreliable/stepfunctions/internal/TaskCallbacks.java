package io.github.sqsreliable.stepfunctions.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.retry.TransientFailureException;
import io.github.sqsreliable.stepfunctions.InvalidTaskMessageException;
import io.github.sqsreliable.stepfunctions.TaskHandler;
import io.github.sqsreliable.stepfunctions.TaskTokenRejectedException;
import io.github.sqsreliable.stepfunctions.TaskTokenSource;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.SfnAsyncClient;

/**
 * A Step Functions task's life on a message: read the token → beat while the handler runs → write the output →
 * SendTaskSuccess, waited for on the worker so the message is deleted only once Step Functions confirmed it. An
 * output whose SendTaskSuccess is worth retrying is kept, so the retry sends it again without running the handler.
 * A message that fails for good gets one SendTaskFailure, from the consumer's events.
 */
public final class TaskCallbacks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskCallbacks.class);
    /** Permanent failures are reported twice (failed, dead-lettered): remembered for this many messages. */
    static final int FAILURES_REMEMBERED = 10_000;

    private final SfnAsyncClient sfn;
    private final TaskTokenSource tokenSource;
    private final TaskHandler handler;
    private final ObjectMapper mapper;
    private final Heartbeats heartbeats;
    private final RecentMessageIds failed = new RecentMessageIds(FAILURES_REMEMBERED);
    private final UnconfirmedOutputs unconfirmed = new UnconfirmedOutputs();
    /** SendTaskFailure calls not answered yet: one per message failed in the last round trip. */
    private final Set<CompletableFuture<?>> failuresInFlight = ConcurrentHashMap.newKeySet();

    /**
     * @param sfn the client; not closed here
     * @param tokenSource where messages carry their token
     * @param handler the user's task handler
     * @param mapper reads bodies and writes outputs
     * @param heartbeatInterval how often to beat while a handler runs, or {@code null} for only on visibility
     *     extensions
     * @param threadName the heartbeat thread's name
     */
    public TaskCallbacks(SfnAsyncClient sfn, TaskTokenSource tokenSource, TaskHandler handler, ObjectMapper mapper,
                         Duration heartbeatInterval, String threadName) {
        this.sfn = sfn;
        this.tokenSource = tokenSource;
        this.handler = handler;
        this.mapper = mapper;
        this.heartbeats = new Heartbeats(sfn, heartbeatInterval, threadName);
    }

    /**
     * Runs the task handler for a message and completes its task.
     *
     * @param message the message
     * @throws Exception what the handler threw, an {@link InvalidTaskMessageException}, an
     *     {@code InvalidTaskOutputException}, or what SendTaskSuccess's failure means (see {@link SfnErrors})
     */
    public void handle(SqsMessage message) throws Exception {
        TaskMessage task = new TaskMessage(message, tokenSource, mapper);
        String token = task.taskToken();
        String output = unconfirmed.get(message.messageId(), token);
        if (output == null) {
            output = TaskOutputs.toJson(run(message, task, token), mapper);
        } else {
            LOG.debug("message {}: sending the output of its earlier attempt again", message.messageId());
        }
        try {
            sendSuccess(message, token, output);
            unconfirmed.remove(message.messageId());
        } catch (TransientFailureException e) {
            unconfirmed.put(message.messageId(), token, output);
            throw e;
        } catch (RuntimeException e) {
            unconfirmed.remove(message.messageId());
            throw e;
        }
    }

    private Object run(SqsMessage message, TaskMessage task, String token) throws Exception {
        Heartbeats.Running run = heartbeats.start(message.messageId(), token);
        try {
            return handler.handle(message, task);
        } finally {
            // Before SendTaskSuccess: a heartbeat racing it would only be refused.
            heartbeats.stop(run);
        }
    }

    private void sendSuccess(SqsMessage message, String token, String output) {
        CompletableFuture<?> call;
        try {
            call = sfn.sendTaskSuccess(b -> b.taskToken(token).output(output));
        } catch (RuntimeException e) {
            throw SfnErrors.ofSendTaskSuccess(e, message.messageId());
        }
        try {
            // On the consumer's worker: waiting here keeps the delete behind Step Functions' answer.
            call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailureException("interrupted while waiting for SendTaskSuccess for message "
                    + message.messageId(), e);
        } catch (ExecutionException e) {
            RuntimeException verdict = SfnErrors.ofSendTaskSuccess(e.getCause(), message.messageId());
            if (verdict instanceof TaskTokenRejectedException) {
                LOG.warn("{}; the message is dead-lettered, or released to the queue's RedrivePolicy",
                        verdict.getMessage());
            }
            throw verdict;
        }
    }

    /**
     * The message failed for good: fails its task, once per message.
     *
     * @param message the message
     * @param failure what its handler threw
     * @param what what became of it, e.g. {@code failed permanently}
     */
    public void failed(SqsMessage message, Throwable failure, String what) {
        unconfirmed.remove(message.messageId());
        if (causedBy(failure, TaskTokenRejectedException.class) || !failed.add(message.messageId())) {
            return; // a refused token would be refused again; a failure already sent is not sent twice
        }
        String token;
        try {
            token = new TaskMessage(message, tokenSource, mapper).taskToken();
        } catch (InvalidTaskMessageException e) {
            LOG.warn("no SendTaskFailure for message {}, which {}: {}", message.messageId(), what, e.getMessage());
            return;
        }
        String error = FailureText.error(failure);
        String cause = FailureText.cause("message " + message.messageId() + " " + what, failure, message.body());
        try {
            CompletableFuture<?> call = sfn.sendTaskFailure(b -> b.taskToken(token).error(error).cause(cause));
            failuresInFlight.add(call);
            call.whenComplete((ok, refused) -> {
                failuresInFlight.remove(call);
                if (refused != null) {
                    LOG.warn("SendTaskFailure for message {} failed; the workflow waits for the state's timeout: {}",
                            message.messageId(), refused.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("SendTaskFailure for message {} failed; the workflow waits for the state's timeout: {}",
                    message.messageId(), e.toString());
        }
    }

    /** @param message a message whose visibility was extended: a heartbeat if its handler runs */
    public void visibilityExtended(SqsMessage message) {
        heartbeats.visibilityExtended(message.messageId());
    }

    /**
     * Waits for the SendTaskFailure calls sent so far, for Lambda, which may freeze the environment once the
     * invocation answered.
     *
     * @param timeout the longest wait
     * @return whether every call was answered in time
     */
    public boolean awaitFailuresSent(Duration timeout) {
        CompletableFuture<?>[] calls = failuresInFlight.toArray(new CompletableFuture<?>[0]);
        if (calls.length == 0) {
            return true;
        }
        try {
            CompletableFuture.allOf(calls).handle((ok, failure) -> null).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} SendTaskFailure call(s) not answered within {}; Lambda may freeze them", calls.length,
                    timeout);
            return false;
        }
    }

    @Override
    public void close() {
        heartbeats.close();
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
