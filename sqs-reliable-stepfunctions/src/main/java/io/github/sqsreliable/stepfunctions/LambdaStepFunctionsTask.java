package io.github.sqsreliable.stepfunctions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sqsreliable.lambda.InvocationListener;
import io.github.sqsreliable.observe.ObservedConsumer;

/**
 * The task as a Lambda function's {@link InvocationListener}: loaded only when {@code sqs-reliable-lambda} is on the
 * classpath, so a polling service needs none of the Lambda types.
 */
final class LambdaStepFunctionsTask extends StepFunctionsTask implements InvocationListener {

    private LambdaStepFunctionsTask(StepFunctionsTask.Builder builder, ObjectMapper mapper) {
        super(builder, mapper);
    }

    /**
     * Declared to return the base type: the builder's code then names this class only in a call resolved when it
     * runs, and verifying the builder never loads it.
     *
     * @param builder the settings
     * @param mapper reads bodies and writes outputs
     * @return the task
     */
    static StepFunctionsTask create(StepFunctionsTask.Builder builder, ObjectMapper mapper) {
        return new LambdaStepFunctionsTask(builder, mapper);
    }

    /** @param function the function; the invocation answers after this returns */
    @Override
    public void onInvocationFinished(ObservedConsumer function) {
        awaitFailuresSent(LAMBDA_FAILURE_WAIT);
    }
}
