/**
 * Step Functions callbacks for queues fed by a {@code arn:aws:states:::sqs:sendMessage.waitForTaskToken} state: a
 * {@link io.github.sqsreliable.stepfunctions.StepFunctionsTask} is the handler of an {@code SqsConsumer} or a Lambda
 * {@code SqsBatchFunction}; it runs a {@link io.github.sqsreliable.stepfunctions.TaskHandler}, answers
 * {@code SendTaskSuccess} with its output, {@code SendTaskFailure} when the message fails for good, and sends
 * {@code SendTaskHeartbeat} while the handler runs.
 */
package io.github.sqsreliable.stepfunctions;
