package io.github.sqsreliable.stepfunctions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.stepfunctions.internal.TaskCallbacks;
import java.time.Duration;
import software.amazon.awssdk.services.sfn.SfnAsyncClient;

/**
 * The handler of a queue fed by a Step Functions {@code sqs:sendMessage.waitForTaskToken} state. For each message
 * it reads the task token, runs the {@link TaskHandler}, sends {@code SendTaskSuccess} with its output and returns
 * only once Step Functions confirmed it, so the message is deleted after the task completed. A message that fails
 * for good (a permanent failure, or a transient one out of attempts and dead-lettered) fails its task once with
 * {@code SendTaskFailure}; while the handler runs, each visibility extension (and, with
 * {@link Builder#heartbeatInterval(Duration)}, a timer) sends {@code SendTaskHeartbeat}.
 *
 * <p>It is also a {@link ConsumerListener}: {@code SqsConsumer.Builder.handler(task)} and
 * {@code SqsBatchFunction.Builder.handler(task)} register it as one, so it is set once:
 * <pre>{@code
 * try (StepFunctionsTask task = StepFunctionsTask.builder()
 *         .sfnClient(sfn)
 *         .handler((message, context) -> resize(context.input()))   // the output of the state
 *         .build();
 *      SqsConsumer consumer = SqsConsumer.builder()
 *         .sqsClient(sqs).queueUrl(queueUrl)
 *         .retry(r -> r.onSameQueue(3, Backoff.exponential(Duration.ofSeconds(1), 2.0)).thenDeadLetter(dlqUrl))
 *         .handler(task)
 *         .build()) {
 *     consumer.start();
 *     awaitShutdownSignal();
 * }
 * }</pre>
 *
 * <p>Thread-safe. The {@code SfnAsyncClient} is the caller's and is never closed here; {@link #close()} stops the
 * heartbeat thread, after the consumer was closed. When {@code sqs-reliable-lambda} is on the classpath, the task
 * built is also its {@code InvocationListener}: at the end of each invocation it waits up to
 * {@link #LAMBDA_FAILURE_WAIT} for the {@code SendTaskFailure} calls still in flight, as Lambda may freeze the
 * environment once the function answered.
 */
public class StepFunctionsTask implements MessageHandler, ConsumerListener, AutoCloseable {

    /** The default {@link Builder#name(String)}. */
    public static final String DEFAULT_NAME = "stepfunctions";
    /** The shortest {@link Builder#heartbeatInterval(Duration)}. */
    public static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofMillis(100);

    /** How long a task in Lambda waits, as an invocation ends, for its SendTaskFailure calls still in flight. */
    public static final Duration LAMBDA_FAILURE_WAIT = Duration.ofSeconds(2);

    /** The Lambda module's interface: present only when a Lambda function runs the task. */
    private static final String INVOCATION_LISTENER = "io.github.sqsreliable.lambda.InvocationListener";

    private final TaskCallbacks callbacks;
    private final String name;

    // Not final, for LambdaStepFunctionsTask in this package alone: the constructor is package-private.
    StepFunctionsTask(Builder builder, ObjectMapper mapper) {
        this.name = builder.name;
        this.callbacks = new TaskCallbacks(builder.sfnClient, builder.taskToken, builder.handler, mapper,
                builder.heartbeatInterval, "sqs-reliable-" + builder.name + "-heartbeat");
    }

    /** @return a builder with the default token source, no heartbeat interval and a plain {@code ObjectMapper} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the task handler and completes the task with its output.
     *
     * @param message the message
     * @throws InvalidTaskMessageException if the message has no usable token (permanent)
     * @throws InvalidTaskOutputException if the output cannot be sent (permanent)
     * @throws TaskTokenRejectedException if Step Functions refused the token (permanent)
     * @throws Exception what the task handler threw, or a {@code TransientFailureException} when SendTaskSuccess was
     *     throttled, failed with a 5xx or got no answer: the message is retried, and its next attempt here sends the
     *     same output again without running the task handler
     */
    @Override
    public void handle(SqsMessage message) throws Exception {
        callbacks.handle(message);
    }

    /** @param event a failure; a permanent one fails the task */
    @Override
    public void onFailed(ConsumerEvent.MessageFailed event) {
        if (event.kind() == FailureKind.PERMANENT) {
            callbacks.failed(event.message(), event.error(), "failed permanently");
        }
    }

    /** @param event a dead-lettered message: its task fails, unless that was done already */
    @Override
    public void onDeadLettered(ConsumerEvent.DeadLettered event) {
        String queue = event.deadLetterQueueUrl().substring(event.deadLetterQueueUrl().lastIndexOf('/') + 1);
        callbacks.failed(event.message(), event.error(), "was dead-lettered to " + queue + " (" + event.reason() + ")");
    }

    /** @param event an extension: a heartbeat, if the message's handler runs */
    @Override
    public void onVisibilityExtended(ConsumerEvent.VisibilityExtended event) {
        callbacks.visibilityExtended(event.message());
    }

    /**
     * @param timeout the longest wait
     * @return whether every SendTaskFailure sent so far was answered in time
     */
    boolean awaitFailuresSent(Duration timeout) {
        return callbacks.awaitFailuresSent(timeout);
    }

    /** Stops the heartbeat thread. Close the consumer first. Never throws; closing twice does nothing more. */
    @Override
    public void close() {
        callbacks.close();
    }

    @Override
    public String toString() {
        return "StepFunctionsTask[" + name + "]";
    }

    private static boolean lambdaPresent() {
        try {
            Class.forName(INVOCATION_LISTENER, false, StepFunctionsTask.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Collects a task's settings; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {

        private SfnAsyncClient sfnClient;
        private TaskTokenSource taskToken = TaskTokenSource.DEFAULT;
        private TaskHandler handler;
        private Duration heartbeatInterval;
        private ObjectMapper objectMapper;
        private String name = DEFAULT_NAME;

        private Builder() {
        }

        /**
         * @param sfnClient the Step Functions client; required, never closed by the task
         * @return this builder
         */
        public Builder sfnClient(SfnAsyncClient sfnClient) {
            this.sfnClient = sfnClient;
            return this;
        }

        /**
         * @param taskToken where messages carry their task token; default {@link TaskTokenSource#DEFAULT}, the body's
         *     {@code /taskToken}
         * @return this builder
         */
        public Builder taskToken(TaskTokenSource taskToken) {
            this.taskToken = taskToken;
            return this;
        }

        /**
         * @param handler does the work and returns the task's output; required
         * @return this builder
         */
        public Builder handler(TaskHandler handler) {
            this.handler = handler;
            return this;
        }

        /**
         * Sends a heartbeat this often while a handler runs, besides one per visibility extension. Needed in Lambda,
         * which extends no visibility, and whenever the state's {@code HeartbeatSeconds} is shorter than the
         * queue's visibility timeout. Default none.
         *
         * @param heartbeatInterval at least {@link #MIN_HEARTBEAT_INTERVAL}, or {@code null} for none
         * @return this builder
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        /**
         * @param objectMapper reads message bodies and writes outputs; default a plain {@code new ObjectMapper()}
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = objectMapper;
            return this;
        }

        /**
         * @param name names the heartbeat thread {@code sqs-reliable-<name>-heartbeat}; default {@value #DEFAULT_NAME}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * @return the task
         * @throws InvalidConfigurationException naming the first missing or invalid setting
         */
        public StepFunctionsTask build() {
            if (sfnClient == null) {
                throw InvalidConfigurationException.of("sfnClient", "must be set");
            }
            if (handler == null) {
                throw InvalidConfigurationException.of("handler", "must be set");
            }
            if (taskToken == null) {
                throw InvalidConfigurationException.of("taskToken", "must not be null");
            }
            if (heartbeatInterval != null && heartbeatInterval.compareTo(MIN_HEARTBEAT_INTERVAL) < 0) {
                throw InvalidConfigurationException.of("heartbeatInterval", "(" + heartbeatInterval
                        + ") must be at least " + MIN_HEARTBEAT_INTERVAL);
            }
            if (name == null || name.isBlank()) {
                throw InvalidConfigurationException.of("name", "(" + name + ") must not be blank");
            }
            ObjectMapper mapper = objectMapper != null ? objectMapper : new ObjectMapper();
            return lambdaPresent() ? LambdaStepFunctionsTask.create(this, mapper) : new StepFunctionsTask(this, mapper);
        }
    }
}
