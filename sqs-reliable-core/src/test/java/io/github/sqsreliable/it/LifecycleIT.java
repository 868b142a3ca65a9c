package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.ConsumerState;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.testing.RecordingInterceptor;
import io.github.sqsreliable.testing.SimulatedWork;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

@Timeout(60)
class LifecycleIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void startOnAMissingQueueFailsNamingTheQueue() {
        String missing = sqs.endpoint() + "/000000000000/no-such-queue";
        SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(missing)
                .handler(message -> { })
                .build();

        assertThatThrownBy(consumer::start)
                .isInstanceOf(SqsReliableException.class)
                .hasMessageContaining(missing);
        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);
        consumer.close();
    }

    @Test
    void startTwiceIsAClearError() {
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .handler(message -> { })
                .waitTime(Duration.ofSeconds(1))
                .build()) {
            consumer.start();
            assertThatThrownBy(consumer::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("RUNNING")
                    .hasMessageContaining("start() may be called once");
        }
    }

    @Test
    void aRunningConsumerKeepsTheJvmAliveWithOneThreadAndNoThreadWaitsOnAReceive() {
        // given: a consumer with 8 pollers on an idle queue, its long polls in flight
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        RecordingInterceptor recorder = new RecordingInterceptor();
        try (SqsAsyncClient client = sqs.newClient(recorder)) {
            SqsConsumer consumer = SqsConsumer.builder()
                    .sqsClient(client)
                    .queueUrl(queueUrl)
                    .name("alive")
                    .pollers(8)
                    .handler(message -> { })
                    .waitTime(Duration.ofSeconds(2))
                    .build();
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.calls("ReceiveMessageRequest").isEmpty());

            // then: exactly one of its threads is not a daemon, and none is a thread per poller
            assertThat(consumerThreads("alive")).filteredOn(thread -> !thread.isDaemon())
                    .extracting(Thread::getName).containsExactly("sqs-reliable-alive-visibility");
            assertThat(consumerThreads("alive")).extracting(Thread::getName)
                    .noneMatch(name -> name.contains("poller"));

            // and: close() ends it
            consumer.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> consumerThreads("alive").stream()
                    .noneMatch(thread -> !thread.isDaemon()));
        }
    }

    @Test
    void withAGivenExecutorAnswersAreTakenByReceiveThreadsAndHandlersRunOnTheExecutor() {
        // given: a consumer with its own executor, whose threads are named so the test can tell them apart
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> new Thread(runnable, "users-pool"));
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        sqs.sendAll(queueUrl, IntStream.range(0, 50).mapToObj(i -> "m" + i).toList());
        Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .name("given")
                .executor(executor)
                .waitTime(Duration.ofSeconds(1))
                .handler(message -> handlerThreads.add(Thread.currentThread().getName()))
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().deleted() == 50);

            // then: every handler ran on the executor; the consumer took the answers on its -receive threads
            assertThat(handlerThreads).containsExactly("users-pool");
            assertThat(consumerThreads("given")).extracting(Thread::getName)
                    .anyMatch(name -> name.startsWith("sqs-reliable-given-receive-"))
                    .noneMatch(name -> name.contains("-worker-"));
        } finally {
            executor.shutdown();
        }
    }

    private static List<Thread> consumerThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("sqs-reliable-" + name + "-") && thread.isAlive())
                .toList();
    }

    @Test
    void pollFailuresBackOffAreReportedAndRecover() {
        // given a client whose receives fail until the fault is cleared
        AtomicBoolean receivesFail = new AtomicBoolean(true);
        ExecutionInterceptor fault = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof ReceiveMessageRequest && receivesFail.get()) {
                    throw SdkClientException.create("injected: connection refused");
                }
            }
        };
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        sqs.sendAll(queueUrl, List.of("after the outage"));
        List<ConsumerEvent.PollFailed> failures = new CopyOnWriteArrayList<>();
        try (SqsAsyncClient client = sqs.newClient(fault);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .handler(message -> { })
                     .pollers(1)
                     .waitTime(Duration.ofSeconds(1))
                     .listener(new ConsumerListener() {
                         @Override
                         public void onPollFailed(ConsumerEvent.PollFailed event) {
                             failures.add(event);
                         }
                     })
                     .build()) {
            consumer.start();

            // then failures are reported with a growing count and a growing wait between them
            await().atMost(Duration.ofSeconds(15)).until(() -> failures.size() >= 4);
            List<ConsumerEvent.PollFailed> seen = List.copyOf(failures);
            for (int i = 0; i < seen.size(); i++) {
                assertThat(seen.get(i).consecutiveFailures()).isEqualTo(i + 1);
                assertThat(seen.get(i).queueUrl()).isEqualTo(queueUrl);
                assertThat(seen.get(i).error()).hasMessageContaining("injected");
            }
            assertThat(seen.get(3).backoff()).isGreaterThan(seen.get(0).backoff());
            // waits of 100-300, 200-600, 400-1200 ms between the first four: far from a hot loop
            assertThat(consumer.metrics().pollFailures()).isLessThan(12);

            // and when the fault clears, receiving resumes
            receivesFail.set(false);
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().deleted() == 1);
        }
    }

    @Test
    void givenExecutorNeverRunsMoreThanMaxConcurrencyAndIsNotShutDown() {
        // given an unbounded executor: virtual threads where the JVM has them (21+), else a cached pool
        ExecutorService executor = unboundedExecutor();
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        sqs.sendAll(queueUrl, IntStream.range(0, 300).mapToObj(i -> "m" + i).toList());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Set<String> handledIds = ConcurrentHashMap.newKeySet();
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .executor(executor)
                .maxConcurrency(5)
                .prefetch(30)
                .waitTime(Duration.ofSeconds(1))
                .handler(message -> {
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        handledIds.add(message.messageId());
                        SimulatedWork.lasting(Duration.ofMillis(5));
                    } finally {
                        running.decrementAndGet();
                    }
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().deleted() == 300);
        }
        assertThat(peak.get()).isBetween(2, 5);
        assertThat(handledIds).hasSize(300);
        assertThat(executor.isShutdown()).isFalse();
        executor.shutdown();
    }

    private static ExecutorService unboundedExecutor() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return Executors.newCachedThreadPool();
        }
    }
}
