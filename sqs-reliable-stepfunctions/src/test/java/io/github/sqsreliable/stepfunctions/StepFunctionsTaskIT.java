package io.github.sqsreliable.stepfunctions;

import static io.github.sqsreliable.stepfunctions.StepFunctionsEndpoint.FAILURE;
import static io.github.sqsreliable.stepfunctions.StepFunctionsEndpoint.HEARTBEAT;
import static io.github.sqsreliable.stepfunctions.StepFunctionsEndpoint.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.stepfunctions.StepFunctionsEndpoint.Call;
import io.github.sqsreliable.stepfunctions.StepFunctionsEndpoint.Fault;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sfn.SfnAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A real consumer on an ElasticMQ queue with a {@link StepFunctionsTask} as its handler, talking to a local endpoint
 * that records the Step Functions requests the AWS SDK sends and answers them as scripted per test: what is sent
 * (target, token, output, error, cause), when, how often, and what becomes of the message.
 */
@Timeout(60)
@ExtendWith(SqsTestExtension.class)
class StepFunctionsTaskIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Backoff SHORT = Backoff.fixed(Duration.ofMillis(200));

    private StepFunctionsEndpoint stepFunctions;
    private SfnAsyncClient sfn;

    @BeforeEach
    void startEndpoint() throws Exception {
        stepFunctions = new StepFunctionsEndpoint();
        sfn = stepFunctions.client();
    }

    @AfterEach
    void stopEndpoint() {
        sfn.close();
        stepFunctions.close();
    }

    private static String token() {
        return "token-" + UUID.randomUUID();
    }

    /** The body the usual state sends: {"input.$": "$", "taskToken.$": "$$.Task.Token"}. */
    private static String body(String token, String input) {
        return "{\"input\":" + input + ",\"taskToken\":\"" + token + "\"}";
    }

    private SqsConsumer.Builder consumer(EmbeddedSqs sqs, TestQueue queue, StepFunctionsTask task) {
        return SqsConsumer.builder().sqsClient(sqs.client()).queueUrl(queue.url()).waitTime(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ofSeconds(5)).handler(task);
    }

    @Test
    void sendsTheHandlersOutputAndDeletesTheMessageOnlyOnceStepFunctionsConfirmedIt(EmbeddedSqs sqs,
                                                                                    TestQueue queue) throws Exception {
        String token = token();
        sqs.sendAll(queue.url(), List.of(body(token, "{\"order\":7,\"items\":[\"a\",\"b\"]}")));
        stepFunctions.hold(SUCCESS);
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .handler((message, context) -> Map.of("order", context.input().get("order").asInt(),
                        "count", context.input().get("items").size()))
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task).build()) {
            consumer.start();

            // while Step Functions has not answered, the message is held, not deleted
            await().atMost(Duration.ofSeconds(10)).until(() -> stepFunctions.calls(SUCCESS).size() == 1);
            assertThat(sqs.counts(queue.url()).notVisible()).isEqualTo(1);
            assertThat(consumer.metrics().deleted()).isZero();
            stepFunctions.release(SUCCESS);
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
        }

        Call success = stepFunctions.calls(SUCCESS).get(0);
        assertThat(success.contentType()).startsWith("application/x-amz-json-1.0");
        assertThat(success.token()).isEqualTo(token);
        assertThat(JSON.readTree(success.field("output"))).isEqualTo(JSON.readTree("{\"order\":7,\"count\":2}"));
        assertThat(stepFunctions.calls()).extracting(Call::action).containsExactly(SUCCESS);
    }

    @Test
    void readsTheTokenFromAMessageAttributeAndSendsAStringOutputAsItIs(EmbeddedSqs sqs, TestQueue queue) {
        String token = token();
        sqs.client().sendMessage(b -> b.queueUrl(queue.url()).messageBody("{\"order\":8}").messageAttributes(Map.of(
                "TaskToken", MessageAttributeValue.builder().dataType("String").stringValue(token).build()))).join();
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .taskToken(TaskTokenSource.messageAttribute("TaskToken"))
                .handler((message, context) -> "[\"order\"," + context.input().get("order").asInt() + "]")
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task).build()) {
            consumer.start();
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
        }

        assertThat(stepFunctions.calls(SUCCESS)).singleElement().satisfies(call -> {
            assertThat(call.token()).isEqualTo(token);
            assertThat(call.field("output")).isEqualTo("[\"order\",8]");
        });
    }

    @Test
    void aThrottledSendTaskSuccessIsRetriedWithTheSameOutputWithoutRunningTheHandlerAgain(EmbeddedSqs sqs,
                                                                                        TestQueue queue) {
        String token = token();
        sqs.sendAll(queue.url(), List.of(body(token, "{}")));
        stepFunctions.failNext(SUCCESS, Fault.THROTTLING);
        AtomicInteger runs = new AtomicInteger();
        List<FailureKind> kinds = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .handler((message, context) -> Map.of("run", runs.incrementAndGet()))
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task)
                     .retry(r -> r.onSameQueue(3, SHORT))
                     .listener(new ConsumerListener() {
                         @Override
                         public void onFailed(ConsumerEvent.MessageFailed event) {
                             kinds.add(event.kind());
                         }
                     })
                     .build()) {
            consumer.start();
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
        }

        assertThat(kinds).containsExactly(FailureKind.TRANSIENT);
        assertThat(runs).hasValue(1);
        assertThat(stepFunctions.calls(SUCCESS)).extracting(Call::token).containsExactly(token, token);
        assertThat(stepFunctions.calls(SUCCESS)).extracting(c -> c.field("output"))
                .containsExactly("{\"run\":1}", "{\"run\":1}");
        assertThat(stepFunctions.calls(FAILURE)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"})
    void aTokenStepFunctionsRefusesDeadLettersTheMessageWithTheErrorCodeAndSendsNoFailure(String code,
            EmbeddedSqs sqs, @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        sqs.sendAll(queue.url(), List.of(body(token(), "{}")));
        stepFunctions.failAlways(SUCCESS, new Fault(400, code));
        AtomicInteger runs = new AtomicInteger();
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .handler((message, context) -> runs.incrementAndGet())
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task)
                     .retry(r -> r.onSameQueue(3, SHORT).thenDeadLetter(queue.deadLetterQueueUrl()))
                     .build()) {
            consumer.start();
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5)).until(() -> consumer.metrics().deadLettered() == 1);
        }

        assertThat(runs).hasValue(1);
        FailureRecord record = deadLettered(sqs, queue);
        assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
        assertThat(record.errorClass()).isEqualTo(TaskTokenRejectedException.class.getName());
        assertThat(record.errorMessage()).contains("with " + code + ":");
        assertThat(stepFunctions.calls()).extracting(Call::action).containsExactly(SUCCESS);
    }

    @Test
    void aPermanentFailureFailsTheTaskOnceWithTheExceptionAndNeverTheBody(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        String token = token();
        String secret = "{\"card\":\"4111-1111-1111-1111\"}";
        String body = body(token, secret);
        sqs.sendAll(queue.url(), List.of(body));
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .handler((message, context) -> {
                    throw new PermanentFailureException("card refused\nfor " + message.body());
                })
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task)
                     .retry(r -> r.onSameQueue(3, SHORT).thenDeadLetter(queue.deadLetterQueueUrl()))
                     .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.metrics().deadLettered() == 1);
            // failed, then dead-lettered: two events, one SendTaskFailure
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> stepFunctions.calls(FAILURE).size() == 1);
        }

        Call failure = stepFunctions.calls(FAILURE).get(0);
        assertThat(failure.token()).isEqualTo(token);
        assertThat(failure.field("error")).isEqualTo("PermanentFailureException");
        assertThat(failure.field("cause")).contains("failed permanently").contains("card refused for [message body]")
                .doesNotContain("4111").doesNotContain("\n");
        assertThat(stepFunctions.calls(SUCCESS)).isEmpty();
        assertThat(deadLettered(sqs, queue).kind()).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void withoutADeadLetterQueueInThePolicyThePermanentFailureIsReleasedAndTheTaskFailedOnce(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true, maxReceiveCount = 2) TestQueue queue) {
        String token = token();
        sqs.sendAll(queue.url(), List.of(body(token, "{}")));
        AtomicInteger runs = new AtomicInteger();
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .handler((message, context) -> {
                    runs.incrementAndGet();
                    throw new PermanentFailureException("unknown product");
                })
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task).build()) {
            consumer.start();
            // SQS's RedrivePolicy moves it on its third receive, without running the handler a third time
            await().atMost(Duration.ofSeconds(15)).until(() -> sqs.counts(queue.deadLetterQueueUrl()).total() == 1);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> stepFunctions.calls(FAILURE).size() == 1);
        }

        assertThat(runs).hasValue(2);
        assertThat(stepFunctions.calls(FAILURE).get(0).token()).isEqualTo(token);
        assertThat(stepFunctions.calls(SUCCESS)).isEmpty();
    }

    @Test
    void transientFailuresOutOfAttemptsFailTheTaskOnceWhenDeadLettered(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        String token = token();
        sqs.sendAll(queue.url(), List.of(body(token, "{}")));
        AtomicInteger runs = new AtomicInteger();
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .handler((message, context) -> {
                    runs.incrementAndGet();
                    throw new IllegalStateException("inventory service unavailable");
                })
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task)
                     .retry(r -> r.onSameQueue(2, SHORT).thenDeadLetter(queue.deadLetterQueueUrl()))
                     .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.metrics().deadLettered() == 1);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> stepFunctions.calls(FAILURE).size() == 1);
        }

        assertThat(runs).hasValue(2);
        Call failure = stepFunctions.calls(FAILURE).get(0);
        assertThat(failure.token()).isEqualTo(token);
        assertThat(failure.field("error")).isEqualTo("IllegalStateException");
        assertThat(failure.field("cause")).contains("ATTEMPTS_EXHAUSTED")
                .contains("java.lang.IllegalStateException: inventory service unavailable");
        assertThat(deadLettered(sqs, queue).deadLetterReason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
    }

    @Test
    void anOutputOverTheLimitFailsTheTaskAndDeadLettersTheMessage(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        String token = token();
        sqs.sendAll(queue.url(), List.of(body(token, "{}")));
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .handler((message, context) -> Map.of("thumbnail", "x".repeat(300_000)))
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task)
                     .retry(r -> r.onSameQueue(3, SHORT).thenDeadLetter(queue.deadLetterQueueUrl()))
                     .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.metrics().deadLettered() == 1
                    && stepFunctions.calls(FAILURE).size() == 1);
        }

        assertThat(stepFunctions.calls(SUCCESS)).isEmpty();
        Call failure = stepFunctions.calls(FAILURE).get(0);
        assertThat(failure.field("error")).isEqualTo("InvalidTaskOutputException");
        assertThat(failure.field("cause")).contains("300016 bytes of JSON, more than the 262144 bytes");
        assertThat(deadLettered(sqs, queue).errorMessage()).contains("300016 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"input\":{}}", "{\"input\":{},\"taskToken\":42}", "not json at all"})
    void aMessageWithoutAUsableTokenIsDeadLetteredWithAClearReasonAndNoCall(String badBody, EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) {
        sqs.sendAll(queue.url(), List.of(badBody));
        AtomicInteger runs = new AtomicInteger();
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .handler((message, context) -> runs.incrementAndGet())
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task)
                     .retry(r -> r.onSameQueue(3, SHORT).thenDeadLetter(queue.deadLetterQueueUrl()))
                     .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.metrics().deadLettered() == 1);
        }

        assertThat(runs).hasValue(0);
        FailureRecord record = deadLettered(sqs, queue);
        assertThat(record.errorClass()).isEqualTo(InvalidTaskMessageException.class.getName());
        assertThat(record.errorMessage()).containsAnyOf("has no task token at /taskToken",
                "the task token at /taskToken is a number, not a string", "has a body that is not JSON (at line 1");
        assertThat(record.errorMessage()).doesNotContain("not json at all");
        assertThat(stepFunctions.calls()).isEmpty();
    }

    @Test
    void sendsAHeartbeatWithEachVisibilityExtensionWhileTheHandlerRuns(EmbeddedSqs sqs,
            @QueueOptions(visibilityTimeout = "PT2S") TestQueue queue) throws Exception {
        String token = token();
        sqs.sendAll(queue.url(), List.of(body(token, "{}")));
        AtomicInteger extensions = new AtomicInteger();
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .handler((message, context) -> {
                    // a slow task: runs until two heartbeats have reached Step Functions
                    await().atMost(Duration.ofSeconds(20)).until(() -> stepFunctions.calls(HEARTBEAT).size() >= 2);
                    return null;
                })
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task)
                     .listener(new ConsumerListener() {
                         @Override
                         public void onVisibilityExtended(ConsumerEvent.VisibilityExtended event) {
                             extensions.incrementAndGet();
                         }
                     })
                     .build()) {
            consumer.start();
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(30));
        }

        List<Call> heartbeats = stepFunctions.calls(HEARTBEAT);
        assertThat(heartbeats).hasSizeGreaterThanOrEqualTo(2).hasSizeLessThanOrEqualTo(extensions.get())
                .extracting(Call::token).containsOnly(token);
        Call success = stepFunctions.calls(SUCCESS).get(0);
        assertThat(success.field("output")).isEqualTo("{}");
        assertThat(heartbeats).allSatisfy(beat -> assertThat(beat.at()).isBeforeOrEqualTo(success.at()));
    }

    @Test
    void sendsHeartbeatsOnTheIntervalAndStopsWhenTheHandlerReturns(EmbeddedSqs sqs, TestQueue queue) {
        String token = token();
        sqs.sendAll(queue.url(), List.of(body(token, "{}")));
        Duration interval = Duration.ofMillis(300);
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn).heartbeatInterval(interval)
                .handler((message, context) -> {
                    await().atMost(Duration.ofSeconds(10)).until(() -> stepFunctions.calls(HEARTBEAT).size() >= 3);
                    return Map.of("done", true);
                })
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task).build()) {
            consumer.start();
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(15));
            int sent = stepFunctions.calls(HEARTBEAT).size();
            // the queue's 30 s visibility needs no extension: these came from the interval, and end with the handler
            await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(3))
                    .until(() -> stepFunctions.calls(HEARTBEAT).size() == sent);
        }

        List<Call> heartbeats = stepFunctions.calls(HEARTBEAT);
        assertThat(heartbeats).hasSizeGreaterThanOrEqualTo(3).extracting(Call::token).containsOnly(token);
        for (int i = 1; i < heartbeats.size(); i++) {
            assertThat(Duration.between(heartbeats.get(i - 1).at(), heartbeats.get(i).at()))
                    .isGreaterThan(interval.dividedBy(2));
        }
        assertThat(stepFunctions.calls(SUCCESS)).singleElement()
                .satisfies(call -> assertThat(call.field("output")).isEqualTo("{\"done\":true}"));
    }

    @Test
    void keepsOneHeartbeatInFlightPerMessageOnItsOwnNamedThreadWhichCloseStops(EmbeddedSqs sqs, TestQueue queue) {
        String token = token();
        sqs.sendAll(queue.url(), List.of(body(token, "{}")));
        stepFunctions.hold(HEARTBEAT);
        CountDownLatch finish = new CountDownLatch(1);
        StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn).name("resize")
                .heartbeatInterval(Duration.ofMillis(100))
                .handler((message, context) -> finish.await(20, TimeUnit.SECONDS))
                .build();
        try (SqsConsumer consumer = consumer(sqs, queue, task).build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> stepFunctions.calls(HEARTBEAT).size() == 1);
            assertThat(heartbeatThreadRuns("sqs-reliable-resize-heartbeat")).isTrue();
            // Step Functions does not answer: ten intervals pass, and no second heartbeat is sent meanwhile
            await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(3))
                    .until(() -> stepFunctions.calls(HEARTBEAT).size() == 1);
            stepFunctions.release(HEARTBEAT);
            await().atMost(Duration.ofSeconds(5)).until(() -> stepFunctions.calls(HEARTBEAT).size() >= 3);
            finish.countDown();
            sqs.awaitDrained(queue.url(), Duration.ofSeconds(10));
        }
        task.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> !heartbeatThreadRuns("sqs-reliable-resize-heartbeat"));
        assertThat(stepFunctions.calls(SUCCESS)).extracting(Call::token).containsExactly(token);
    }

    private static boolean heartbeatThreadRuns(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void aRefusedHeartbeatStopsHeartbeatsAndSendTaskSuccessThenReportsTheToken(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue queue) throws Exception {
        sqs.sendAll(queue.url(), List.of(body(token(), "{}")));
        stepFunctions.failAlways(HEARTBEAT, Fault.TASK_TIMED_OUT);
        stepFunctions.failAlways(SUCCESS, Fault.TASK_TIMED_OUT);
        CountDownLatch finish = new CountDownLatch(1);
        try (StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                .heartbeatInterval(Duration.ofMillis(200))
                .handler((message, context) -> finish.await(20, TimeUnit.SECONDS))
                .build();
             SqsConsumer consumer = consumer(sqs, queue, task)
                     .retry(r -> r.onSameQueue(3, SHORT).thenDeadLetter(queue.deadLetterQueueUrl()))
                     .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> stepFunctions.calls(HEARTBEAT).size() == 1);
            // five intervals pass without another heartbeat while the handler still runs
            await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(3))
                    .until(() -> stepFunctions.calls(HEARTBEAT).size() == 1);
            finish.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.metrics().deadLettered() == 1);
        }

        assertThat(stepFunctions.calls()).extracting(Call::action).containsExactly(HEARTBEAT, SUCCESS);
        assertThat(deadLettered(sqs, queue).errorMessage()).contains("TaskTimedOut");
    }

    private static FailureRecord deadLettered(EmbeddedSqs sqs, TestQueue queue) {
        List<Message> dead = sqs.readAll(queue.deadLetterQueueUrl());
        assertThat(dead).hasSize(1);
        return FailureRecord.of(dead.get(0).messageAttributes()).orElseThrow();
    }
}
