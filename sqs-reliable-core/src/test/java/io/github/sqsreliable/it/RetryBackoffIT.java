package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.TransientFailureException;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** A transient failure is retried on the same queue after the policy's backoff, by visibility. */
@Timeout(60)
class RetryBackoffIT {

    /**
     * How much later than its backoff an attempt may come: the visibility change is batched (20 ms), SQS counts
     * visibility in whole seconds, and a long poll already waiting (1 s) may miss the moment the message
     * becomes visible.
     */
    private static final Duration LATE = Duration.ofMillis(1_600);
    private static final Duration EARLY = Duration.ofMillis(50);

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void aMessageFailingThreeTimesIsRetriedAfterGrowingDelaysThenSucceeds() {
        // given a policy of 5 attempts with exponential backoff 1 s, 2 s, 4 s, ... without jitter
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(queueUrl).messageBody("flaky").build()).join();
        List<Long> attemptTimes = new CopyOnWriteArrayList<>();
        List<Integer> receiveCounts = new CopyOnWriteArrayList<>();
        List<ConsumerEvent.RetryScheduled> retries = new CopyOnWriteArrayList<>();

        // when the handler fails transiently three times, then succeeds
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(5, Backoff.exponential(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(15), 0.0))
                        .thenDeadLetter(deadLetterQueue))
                .listener(new ConsumerListener() {
                    @Override
                    public void onRetryScheduled(ConsumerEvent.RetryScheduled event) {
                        retries.add(event);
                    }
                })
                .handler(message -> {
                    attemptTimes.add(System.nanoTime());
                    receiveCounts.add(message.receiveCount());
                    if (attemptTimes.size() <= 3) {
                        throw new TransientFailureException("not yet (attempt " + attemptTimes.size() + ")");
                    }
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().succeeded() == 1
                    && consumer.metrics().deleted() == 1);

            // then it was handled 4 times, retried after 1 s, 2 s and 4 s
            assertThat(attemptTimes).hasSize(4);
            assertThat(receiveCounts).containsExactly(1, 2, 3, 4);
            assertThat(retries).extracting(ConsumerEvent.RetryScheduled::attempt).containsExactly(1, 2, 3);
            assertThat(retries).extracting(ConsumerEvent.RetryScheduled::delay)
                    .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
            assertThat(retries).allSatisfy(event -> assertThat(event.error())
                    .isInstanceOf(TransientFailureException.class));
            assertThat(consumer.metrics().failed()).isEqualTo(3);
            assertThat(consumer.metrics().deadLettered()).isZero();
        }

        // and the gaps between attempts followed the backoff
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < attemptTimes.size(); i++) {
            gaps.add(Duration.ofNanos(attemptTimes.get(i) - attemptTimes.get(i - 1)));
        }
        List<Duration> backoff = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        for (int i = 0; i < backoff.size(); i++) {
            assertThat(gaps.get(i)).as("gap after attempt %d of %s", i + 1, gaps)
                    .isBetween(backoff.get(i).minus(EARLY), backoff.get(i).plus(LATE));
        }
        assertThat(gaps.get(2)).isGreaterThan(gaps.get(0));
        // and it is neither dead-lettered nor left on the queue
        assertThat(sqs.counts(deadLetterQueue).total()).isZero();
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }
}
