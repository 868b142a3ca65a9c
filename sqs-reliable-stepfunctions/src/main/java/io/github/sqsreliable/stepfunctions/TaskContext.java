package io.github.sqsreliable.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Step Functions task of the message being handled. Valid only during the {@link TaskHandler} call it is given
 * to; not to be shared between threads.
 */
public interface TaskContext {

    /**
     * @return the task token the message carries; a credential for the task: do not log it
     */
    String taskToken();

    /**
     * The task's input: the body's {@code /input} member (the {@code "input.$": "$"} of the usual state), or, when the
     * body has none, the whole body. Parsed once, on the first call.
     *
     * @return the input as a JSON tree
     * @throws InvalidTaskMessageException if the body is not JSON: a permanent failure, so the task fails at once
     */
    JsonNode input();
}
