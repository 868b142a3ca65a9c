package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.testing.SimulatedWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class FifoOrderingIT {

    private static final int GROUPS = 20;
    private static final int PER_GROUP = 50;

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void keepsEveryGroupInOrderAcrossAFailureMidGroup() throws Exception {
        // given 20 groups of 50 messages, sent in order per group
        String queueUrl = sqs.createQueue(QueueSpec.fifoQueue().visibilityTimeout(Duration.ofSeconds(2)));
        sendGroups(queueUrl);
        Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        Map<String, List<Integer>> successes = new ConcurrentHashMap<>();
        Map<String, AtomicBoolean> groupBusy = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger peakConcurrent = new AtomicInteger();
        AtomicBoolean failureInjected = new AtomicBoolean();
        Set<ConsumerEvent.ReleaseReason> releaseReasons = ConcurrentHashMap.newKeySet();

        // when one message in the middle of group g7 fails on its first attempt
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .maxConcurrency(16)
                .waitTime(Duration.ofSeconds(1))
                .listener(new ConsumerListener() {
                    @Override
                    public void onReleased(ConsumerEvent.MessageReleased event) {
                        releaseReasons.add(event.reason());
                    }
                })
                .handler(message -> {
                    String group = message.messageGroupId().orElseThrow();
                    int sequence = Integer.parseInt(message.body().substring(message.body().indexOf(':') + 1));
                    AtomicBoolean busy = groupBusy.computeIfAbsent(group, g -> new AtomicBoolean());
                    if (!busy.compareAndSet(false, true)) {
                        overlaps.incrementAndGet();
                    }
                    peakConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    try {
                        attempts.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(sequence);
                        SimulatedWork.lasting(Duration.ofMillis(2));
                        if (group.equals("g7") && sequence == 25 && failureInjected.compareAndSet(false, true)) {
                            throw new IllegalStateException("injected failure");
                        }
                        successes.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(sequence);
                    } finally {
                        concurrent.decrementAndGet();
                        busy.set(false);
                    }
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> consumer.metrics().deleted() == GROUPS * PER_GROUP);

            // then every group succeeded 0..49 exactly once, in order, never two at a time
            List<Integer> expected = IntStream.range(0, PER_GROUP).boxed().toList();
            for (int g = 0; g < GROUPS; g++) {
                assertThat(successes.get("g" + g)).as("group g%d", g).containsExactlyElementsOf(expected);
            }
            assertThat(overlaps.get()).isZero();
            assertThat(peakConcurrent.get()).isLessThanOrEqualTo(16).isGreaterThan(1);
            // and g7 was attempted 0..25, then 25 again and on: nothing after 25 ran before 25 succeeded
            List<Integer> g7 = attempts.get("g7");
            List<Integer> expectedG7 = new ArrayList<>(IntStream.rangeClosed(0, 25).boxed().toList());
            expectedG7.addAll(IntStream.range(25, PER_GROUP).boxed().toList());
            assertThat(g7).containsExactlyElementsOf(expectedG7);
            assertThat(consumer.metrics().failed()).isEqualTo(1);
            assertThat(releaseReasons).doesNotContain(ConsumerEvent.ReleaseReason.SHUTDOWN);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    private void sendGroups(String queueUrl) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int g = 0; g < GROUPS; g++) {
                String group = "g" + g;
                List<String> bodies = IntStream.range(0, PER_GROUP).mapToObj(i -> group + ":" + i).toList();
                sends.add(senders.submit(() -> sqs.sendGroupInOrder(queueUrl, group, bodies)));
            }
            for (Future<?> send : sends) {
                send.get();
            }
        } finally {
            senders.shutdown();
        }
    }
}
