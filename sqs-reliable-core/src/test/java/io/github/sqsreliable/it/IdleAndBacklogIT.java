package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.testing.RecordingInterceptor;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The receive side adapts: one long poll on an idle queue or a trickle, many receives and deep prefetch for a
 * backlog.
 */
@Timeout(120)
class IdleAndBacklogIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void anIdleQueueCostsOneLongPollPerWaitTimeAndABacklogWakesThePollers() {
        // given: an empty queue and a consumer with the default 32 pollers and 1 s long polls
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        RecordingInterceptor recorder = new RecordingInterceptor();
        try (SqsAsyncClient client = sqs.newClient(recorder);
             SqsConsumer consumer = noOpConsumer(client, queueUrl)) {
            consumer.start();
            // One poller starts active: the first long poll goes out alone.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> recorder.calls("ReceiveMessageRequest").size() >= 1);
            int firstRound = recorder.calls("ReceiveMessageRequest").size();

            // when: it idles for 5 s more
            // then: one poller polls, once per 1 s wait, not all 32 every second; a breach fails at once rather
            // than after the 5 s
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                    .until(() -> recorder.calls("ReceiveMessageRequest").size() - firstRound <= 6);
            int idleReceives = recorder.calls("ReceiveMessageRequest").size() - firstRound;
            assertThat(idleReceives).isBetween(3, 6);

            // when: a backlog arrives
            List<String> bodies = IntStream.range(0, 3_000).mapToObj(i -> "m" + i).collect(Collectors.toList());
            sqs.sendAll(queueUrl, bodies);

            // then: it is drained, at about one receive per 10 messages
            await().atMost(Duration.ofSeconds(60)).until(() -> consumer.metrics().deleted() == 3_000);
            int backlogReceives = recorder.calls("ReceiveMessageRequest").size() - firstRound - idleReceives;
            assertThat(backlogReceives).isLessThan(3_000 / 10 * 2);
            assertThat(consumer.metrics().succeeded()).isEqualTo(3_000);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void aTrickleThatOnePollerKeepsUpWithIsNotSplitAcrossAllThePollers() throws InterruptedException {
        // given: a running consumer with the default 32 pollers
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        RecordingInterceptor recorder = new RecordingInterceptor();
        try (SqsAsyncClient client = sqs.newClient(recorder);
             SqsAsyncClient sender = sqs.newClient();
             SqsConsumer consumer = noOpConsumer(client, queueUrl)) {
            consumer.start();
            // One poller polls the empty queue.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> recorder.calls("ReceiveMessageRequest").size() >= 2);
            int before = recorder.calls("ReceiveMessageRequest").size();

            // when: 5 messages arrive every 20 ms for 3 s
            int messages = 0;
            for (int tick = 0; tick < 150; tick++) {
                int first = messages;
                List<SendMessageBatchRequestEntry> entries = IntStream.range(0, 5)
                        .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("e" + i)
                                .messageBody("t" + (first + i)).build())
                        .toList();
                sender.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).join();
                messages += 5;
                Thread.sleep(20);
            }

            // then: about one receive per send, not a receive per message or two on each of 32 pollers
            int total = messages;
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().deleted() == total);
            int receives = recorder.calls("ReceiveMessageRequest").size() - before;
            assertThat(receives).isLessThan(total / 2);
        }
    }

    /** Default settings but 1 s long polls, so that the tests see several polls. */
    private static SqsConsumer noOpConsumer(SqsAsyncClient client, String queueUrl) {
        return SqsConsumer.builder()
                .sqsClient(client)
                .queueUrl(queueUrl)
                .handler(message -> { })
                .waitTime(Duration.ofSeconds(1))
                .build();
    }
}
