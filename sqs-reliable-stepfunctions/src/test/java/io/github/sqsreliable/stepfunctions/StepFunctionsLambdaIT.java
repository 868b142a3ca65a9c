package io.github.sqsreliable.stepfunctions;

import static io.github.sqsreliable.stepfunctions.StepFunctionsEndpoint.FAILURE;
import static io.github.sqsreliable.stepfunctions.StepFunctionsEndpoint.HEARTBEAT;
import static io.github.sqsreliable.stepfunctions.StepFunctionsEndpoint.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.lambda.InvocationListener;
import io.github.sqsreliable.lambda.SqsBatchFunction;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.stepfunctions.StepFunctionsEndpoint.Call;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import io.github.sqsreliable.test.lambda.SqsEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sfn.SfnAsyncClient;

/**
 * The same task as the handler of a Lambda {@link SqsBatchFunction}, invoked through the test kit's emulation of the
 * event source mapping: Lambda extends no visibility, so heartbeats come from the interval alone, and the function's
 * builder registers the task as a listener just as the consumer's does.
 */
@Timeout(60)
@ExtendWith(SqsTestExtension.class)
class StepFunctionsLambdaIT {

    @Test
    void inLambdaTheTaskBeatsOnItsIntervalSucceedsAndFailsTasksOnce(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true, visibilityTimeout = "PT60S") TestQueue queue) throws Exception {
        sqs.sendAll(queue.url(), List.of("{\"input\":{\"n\":1},\"taskToken\":\"slow-token\"}",
                "{\"input\":{\"n\":2},\"taskToken\":\"bad-token\"}"));
        try (StepFunctionsEndpoint stepFunctions = new StepFunctionsEndpoint();
             SfnAsyncClient sfn = stepFunctions.client();
             StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                     .heartbeatInterval(Duration.ofMillis(200))
                     .handler((message, context) -> {
                         if (context.input().get("n").asInt() == 2) {
                             throw new PermanentFailureException("n must be odd");
                         }
                         await().atMost(Duration.ofSeconds(10))
                                 .until(() -> stepFunctions.calls(HEARTBEAT).size() >= 2);
                         return Map.of("n", 1);
                     })
                     .build()) {
            SqsBatchFunction function = SqsBatchFunction.builder().sqsClient(sqs.client()).name("tasks")
                    .maxConcurrency(2)
                    .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofMillis(200)))
                            .thenDeadLetter(queue.deadLetterQueueUrl()))
                    .handler(task)
                    .build();

            List<SqsEventSource.Invocation> invocations = SqsEventSource.builder().sqsClient(sqs.client())
                    .queueUrl(queue.url()).function(function).functionTimeout(Duration.ofSeconds(20)).build()
                    .drain(Duration.ofSeconds(30));

            assertThat(invocations).allSatisfy(invocation -> assertThat(invocation.failedMessageIds()).isEmpty());
            assertThat(sqs.readAll(queue.deadLetterQueueUrl())).singleElement()
                    .satisfies(dead -> assertThat(dead.body()).contains("bad-token"));
            assertThat(stepFunctions.calls(HEARTBEAT)).hasSizeGreaterThanOrEqualTo(2).extracting(Call::token)
                    .containsOnly("slow-token");
            assertThat(stepFunctions.calls(SUCCESS)).singleElement().satisfies(call -> {
                assertThat(call.token()).isEqualTo("slow-token");
                assertThat(call.field("output")).isEqualTo("{\"n\":1}");
            });
            assertThat(stepFunctions.calls(FAILURE)).singleElement().satisfies(call -> {
                assertThat(call.token()).isEqualTo("bad-token");
                assertThat(call.field("error")).isEqualTo("PermanentFailureException");
                assertThat(call.field("cause")).endsWith("failed permanently: "
                        + "io.github.sqsreliable.retry.PermanentFailureException: n must be odd");
            });
        }
    }

    @Test
    void anInvocationAnswersOnlyOnceItsSendTaskFailureWasAnswered(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) throws Exception {
        sqs.sendAll(queue.url(), List.of("{\"input\":{},\"taskToken\":\"bad-token\"}"));
        try (StepFunctionsEndpoint stepFunctions = new StepFunctionsEndpoint();
             SfnAsyncClient sfn = stepFunctions.client();
             StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                     .handler((message, context) -> {
                         throw new PermanentFailureException("not a task we can do");
                     })
                     .build()) {
            assertThat(task).isInstanceOf(InvocationListener.class);
            stepFunctions.latency(FAILURE, Duration.ofMillis(1_500));
            SqsBatchFunction function = SqsBatchFunction.builder().sqsClient(sqs.client()).name("tasks")
                    .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofMillis(200)))
                            .thenDeadLetter(queue.deadLetterQueueUrl()))
                    .handler(task)
                    .build();

            SqsEventSource.Invocation invocation = SqsEventSource.builder().sqsClient(sqs.client())
                    .queueUrl(queue.url()).function(function).functionTimeout(Duration.ofSeconds(20)).build()
                    .pollOnce();
            Instant answered = Instant.now();

            assertThat(invocation.records()).hasSize(1);
            assertThat(invocation.failedMessageIds()).isEmpty();
            // Lambda may freeze the environment from here on: the failure had been answered already
            assertThat(stepFunctions.answeredAt(FAILURE)).singleElement()
                    .satisfies(at -> assertThat(at).isBeforeOrEqualTo(answered));
        }
    }
}
