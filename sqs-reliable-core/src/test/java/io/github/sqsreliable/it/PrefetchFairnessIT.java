package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * How many messages a consumer holds stays within the bound that docs/configuration.md states (the prefetch
 * row), so that a second consumer on the same queue gets its share of the work. Held means received and not yet
 * handled: {@code received - succeeded - failed} from the metrics (read in that order, so a message handled
 * between the two reads is never counted as held twice). The bound, for handlers of at least {@code t} seconds
 * and receive round trips of at most {@code rtt}:
 *
 * <pre>
 *   maxConcurrency + min(prefetch,
 *                        10 + ceil(2 × maxConcurrency / t × rtt),
 *                        floor(maxConcurrency / t × visibility / 4))
 * </pre>
 *
 * where {@code rtt} is the slowest full receive that the client saw, plus {@value #HAND_OFF_MILLIS} ms for the hop
 * to the thread that takes the answer, which the consumer's own measurement includes.
 */
@Timeout(90)
@ExtendWith(SqsTestExtension.class)
class PrefetchFairnessIT {

    private static final Logger log = LoggerFactory.getLogger(PrefetchFairnessIT.class);
    private static final long HAND_OFF_MILLIS = 20;
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    @Test
    void aLateSecondInstanceGetsAFairShareWhileNeitherHoardsSlowMessages(EmbeddedSqs sqs, TestQueue queue)
            throws InterruptedException {
        // given: a backlog of 200 messages whose handlers take 1 to 2 s (1.5 s on average), and two consumers of
        // maxConcurrency(8) with the default prefetch of 300
        int backlog = 200;
        sqs.sendAll(queue.url(), IntStream.range(0, backlog).mapToObj(i -> "m" + i).toList());
        RoundTrips first = new RoundTrips();
        RoundTrips second = new RoundTrips();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (SqsAsyncClient firstClient = sqs.newClient();
             SqsAsyncClient secondClient = sqs.newClient();
             SqsConsumer early = slowConsumer(first.timing(firstClient, Duration.ZERO), queue.url(), 8,
                     PrefetchFairnessIT::oneToTwoSeconds);
             SqsConsumer late = slowConsumer(second.timing(secondClient, Duration.ZERO), queue.url(), 8,
                     PrefetchFairnessIT::oneToTwoSeconds)) {
            Samples earlySamples = new Samples(early);
            Samples lateSamples = new Samples(late);
            sampler.scheduleAtFixedRate(() -> {
                earlySamples.take();
                lateSamples.take();
            }, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);

            // when: the second starts 3 s after the first, and both run until the backlog is handled
            early.start();
            Thread.sleep(3_000);
            late.start();
            long earlyBefore = early.metrics().succeeded();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> early.metrics().succeeded() + late.metrics().succeeded() == backlog);
            sampler.shutdownNow();

            // then: at every sample, each held no more than the documented bound
            int bound = 8 + documentedPrefetch(8, 1.0, Math.max(first.slowestNanos(), second.slowestNanos()), 300);
            long earlyAfter = early.metrics().succeeded() - earlyBefore;
            long lateAfter = late.metrics().succeeded();
            double lateShare = lateAfter / (double) (earlyAfter + lateAfter);
            log.info("two instances, handlers of 1-2 s: most held {} and {} (bound {}, {} and {} samples); slowest "
                            + "full receive {} ms; handled after the second started: {} and {}, the second's share {}",
                    earlySamples.mostHeld(), lateSamples.mostHeld(), bound, earlySamples.count(),
                    lateSamples.count(), Math.max(first.slowestNanos(), second.slowestNanos()) / 1_000_000,
                    earlyAfter, lateAfter, String.format("%.3f", lateShare));
            assertThat(earlySamples.count()).isGreaterThan(100);
            assertThat(earlySamples.held()).allSatisfy(held -> assertThat(held).isLessThanOrEqualTo(bound));
            assertThat(lateSamples.held()).allSatisfy(held -> assertThat(held).isLessThanOrEqualTo(bound));
            // Fair: with the same concurrency both handle at the same rate while the backlog lasts; the first keeps
            // only its head start (what it held when the second started, at most the bound), of which it handles
            // all. With 190-odd messages left and a head start of up to 19, the second's ideal is about 45 %.
            assertThat(lateShare).isGreaterThanOrEqualTo(0.40);
        } finally {
            sampler.shutdownNow();
        }
    }

    @Test
    void aSlowNetworkDoesNotInflateThePrefetch(EmbeddedSqs sqs, TestQueue queue) throws InterruptedException {
        // given: receives that take 100 ms more than ElasticMQ's, 4 handlers of 170 ms (23.5 msg/s), a backlog
        int backlog = 300;
        sqs.sendAll(queue.url(), IntStream.range(0, backlog).mapToObj(i -> "m" + i).toList());
        RoundTrips trips = new RoundTrips();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (SqsAsyncClient client = sqs.newClient();
             SqsConsumer consumer = slowConsumer(trips.timing(client, Duration.ofMillis(100)), queue.url(), 4,
                     body -> 170)) {
            Samples samples = new Samples(consumer);
            sampler.scheduleAtFixedRate(samples::take, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);

            // when: it runs for 6 s
            consumer.start();
            Thread.sleep(6_000);
            sampler.shutdownNow();

            // then: it held about 4 + 10 + ceil(2 × 23.5 × 0.1) = 19 messages at most, never hundreds
            int bound = 4 + documentedPrefetch(4, 0.170, trips.slowestNanos(), 300);
            log.info("slow network, 4 handlers of 170 ms: most held {} (bound {}, {} samples), full receives {} ms "
                            + "(median) to {} ms, {} handled", samples.mostHeld(), bound, samples.count(),
                    trips.medianMillis(), trips.slowestNanos() / 1_000_000, consumer.metrics().succeeded());
            assertThat(samples.count()).isGreaterThan(30);
            assertThat(samples.held()).allSatisfy(held -> assertThat(held).isLessThanOrEqualTo(bound));
            assertThat(consumer.metrics().succeeded()).isGreaterThan(50);
        } finally {
            sampler.shutdownNow();
        }
    }

    /**
     * The documented prefetch bound.
     *
     * @param handlerSeconds the shortest handler time (the mean is at least this)
     * @param slowestRoundTripNanos the slowest full receive seen by the client
     */
    private static int documentedPrefetch(int maxConcurrency, double handlerSeconds, long slowestRoundTripNanos,
                                          int prefetch) {
        double startRate = maxConcurrency / handlerSeconds;
        double roundTrip = (slowestRoundTripNanos + HAND_OFF_MILLIS * 1_000_000) / 1e9;
        long forTheRate = 10 + (long) Math.ceil(2 * startRate * roundTrip);
        long forTheVisibility = (long) Math.floor(startRate * VISIBILITY.toSeconds() / 4.0);
        return (int) Math.min(prefetch, Math.min(forTheRate, forTheVisibility));
    }

    private static SqsConsumer slowConsumer(SqsAsyncClient client, String queueUrl, int maxConcurrency,
                                            HandlerTime millis) {
        return SqsConsumer.builder()
                .sqsClient(client)
                .queueUrl(queueUrl)
                .maxConcurrency(maxConcurrency)
                .visibilityTimeout(VISIBILITY)
                .waitTime(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ofSeconds(2))
                .handler(message -> Thread.sleep(millis.of(message.body())))
                .build();
    }

    /** 1 to 2 s, spread evenly over the messages {@code m0, m1, ...}. */
    private static long oneToTwoSeconds(String body) {
        return 1_000 + Integer.parseInt(body.substring(1)) * 389L % 1_001;
    }

    @FunctionalInterface
    private interface HandlerTime {
        long of(String body);
    }

    /** What one consumer held, sampled. */
    private static final class Samples {
        private final SqsConsumer consumer;
        private final ConcurrentLinkedQueue<Long> held = new ConcurrentLinkedQueue<>();

        Samples(SqsConsumer consumer) {
            this.consumer = consumer;
        }

        void take() {
            ConsumerMetrics metrics = consumer.metrics();
            held.add(metrics.received() - metrics.succeeded() - metrics.failed());
        }

        List<Long> held() {
            return List.copyOf(held);
        }

        long mostHeld() {
            return held.stream().mapToLong(Long::longValue).max().orElse(0);
        }

        int count() {
            return held.size();
        }
    }

    /** Times the receives of a client that came back full, and optionally delays each one, like a slow network. */
    private static final class RoundTrips {
        private final AtomicLong slowest = new AtomicLong();
        private final ConcurrentLinkedQueue<Long> all = new ConcurrentLinkedQueue<>();

        long slowestNanos() {
            return slowest.get();
        }

        /** @return the median full receive, for the log */
        long medianMillis() {
            List<Long> sorted = all.stream().sorted().toList();
            return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2) / 1_000_000;
        }

        SqsAsyncClient timing(SqsAsyncClient client, Duration delay) {
            return (SqsAsyncClient) Proxy.newProxyInstance(SqsAsyncClient.class.getClassLoader(),
                    new Class<?>[] {SqsAsyncClient.class}, (proxy, method, args) -> {
                        if (method.getName().equals("receiveMessage") && args[0] instanceof ReceiveMessageRequest r) {
                            return receive(client, r, delay);
                        }
                        try {
                            return method.invoke(client, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        private CompletableFuture<ReceiveMessageResponse> receive(SqsAsyncClient client, ReceiveMessageRequest request,
                                                                  Duration delay) {
            long sent = System.nanoTime();
            CompletableFuture<ReceiveMessageResponse> answer = delay.isZero() ? client.receiveMessage(request)
                    : CompletableFuture.runAsync(() -> { },
                                    CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS))
                            .thenCompose(ignored -> client.receiveMessage(request));
            return answer.whenComplete((response, error) -> {
                if (response != null && response.messages().size() >= request.maxNumberOfMessages()) {
                    long roundTrip = System.nanoTime() - sent;
                    all.add(roundTrip);
                    slowest.accumulateAndGet(roundTrip, Math::max);
                }
            });
        }
    }
}
