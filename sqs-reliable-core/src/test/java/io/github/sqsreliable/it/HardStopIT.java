package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.ConsumerState;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.testing.SimulatedWork;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

@Timeout(60)
class HardStopIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void messageOfAHandlerThatNeverReturnsComesBackToAnotherConsumer() throws Exception {
        // given a consumer whose handler ignores interrupts and never returns on its own
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(queueUrl).messageBody("stuck").build()).join();
        AtomicBoolean releaseStuckHandler = new AtomicBoolean();
        CountDownLatch stuckHandlerStarted = new CountDownLatch(1);
        SqsConsumer stuck = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .handler(message -> {
                    stuckHandlerStarted.countDown();
                    SimulatedWork.ignoringInterruptsUntil(releaseStuckHandler::get);
                })
                .shutdownTimeout(Duration.ofSeconds(1))
                .waitTime(Duration.ofSeconds(1))
                .build();
        List<SqsMessage> secondDeliveries = new CopyOnWriteArrayList<>();
        try {
            stuck.start();
            assertThat(stuckHandlerStarted.await(10, TimeUnit.SECONDS)).isTrue();

            // when it is closed, it gives up after its shutdown timeout
            long closing = System.nanoTime();
            stuck.close();
            Duration closeTook = Duration.ofNanos(System.nanoTime() - closing);
            assertThat(closeTook).isLessThan(Duration.ofMillis(3_500));
            assertThat(stuck.state()).isEqualTo(ConsumerState.STOPPED);

            // then the message reappears for a second consumer once its visibility lapses
            try (SqsConsumer second = SqsConsumer.builder()
                    .sqsClient(sqs.client())
                    .queueUrl(queueUrl)
                    .handler(secondDeliveries::add)
                    .waitTime(Duration.ofSeconds(1))
                    .build()) {
                second.start();
                await().atMost(Duration.ofSeconds(15)).until(() -> second.metrics().deleted() == 1);
            }
        } finally {
            releaseStuckHandler.set(true);
            stuck.close();
        }
        assertThat(secondDeliveries).hasSize(1);
        assertThat(secondDeliveries.get(0).body()).isEqualTo("stuck");
        assertThat(secondDeliveries.get(0).receiveCount()).isEqualTo(2);
        // the stuck handler finally returned, but the closed consumer no longer owned the message
        await().atMost(Duration.ofSeconds(5)).until(() -> stuck.metrics().succeeded() == 1);
        assertThat(stuck.metrics().deleted()).isZero();
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }
}
