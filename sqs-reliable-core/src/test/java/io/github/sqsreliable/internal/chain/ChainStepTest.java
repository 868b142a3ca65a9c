package io.github.sqsreliable.internal.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.publish.OutgoingMessage;
import io.github.sqsreliable.publish.PublishException;
import io.github.sqsreliable.publish.PublishResult;
import io.github.sqsreliable.publish.SqsPublisher;
import io.github.sqsreliable.retry.TransientFailureException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

class ChainStepTest {

    private static final String NEXT = "http://localhost/000000000000/next";
    private static final SqsMessage INPUT = SqsMessage.builder().queueUrl("http://localhost/000000000000/in")
            .messageId("input-1").body("in").build();

    /** Answers each publish with the next of the given answers (null: success). */
    static final class ScriptedPublisher implements SqsPublisher {
        final List<OutgoingMessage> published = new ArrayList<>();
        final List<PublishException> answers;
        final AtomicBoolean closed = new AtomicBoolean();

        ScriptedPublisher(List<PublishException> answers) {
            this.answers = new ArrayList<>(answers);
        }

        @Override
        public CompletableFuture<PublishResult> publish(String queueUrl, OutgoingMessage message) {
            published.add(message);
            PublishException failure = answers.isEmpty() ? null : answers.remove(0);
            return failure == null ? CompletableFuture.completedFuture(new PublishResult("id", null, 1))
                    : CompletableFuture.failedFuture(failure);
        }

        @Override
        public CompletableFuture<PublishResult> publish(String queueUrl, String body) {
            return publish(queueUrl, OutgoingMessage.of(body));
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void sendsEveryOutputAndReturnsOnceAllAreConfirmed() throws Exception {
        ScriptedPublisher publisher = new ScriptedPublisher(List.of());
        ChainStep step = new ChainStep((message, next) -> {
            next.send(NEXT, "one");
            next.send(NEXT, "two");
        }, () -> publisher, false);

        step.handle(INPUT);

        assertThat(publisher.published).extracting(OutgoingMessage::body).containsExactly("one", "two");
    }

    @Test
    void aHandlerThatThrowsSendsNothing() {
        ScriptedPublisher publisher = new ScriptedPublisher(List.of());
        ChainStep step = new ChainStep((message, next) -> {
            next.send(NEXT, "one");
            throw new IllegalStateException("boom");
        }, () -> publisher, false);

        assertThatThrownBy(() -> step.handle(INPUT)).hasMessage("boom");
        assertThat(publisher.published).isEmpty();
    }

    @Test
    void anOutputNotConfirmedFailsTheInputAsTransient() {
        ScriptedPublisher publisher = new ScriptedPublisher(java.util.Arrays.asList(null,
                PublishException.rejected(NEXT, "AWS.SimpleQueueService.NonExistentQueue", null, true, 1)));
        ChainStep step = new ChainStep((message, next) -> {
            next.send(NEXT, "one");
            next.send(NEXT, "two");
        }, () -> publisher, false);

        assertThatThrownBy(() -> step.handle(INPUT)).isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("1 of 2 output(s)").hasMessageContaining("NonExistentQueue")
                .hasCauseInstanceOf(PublishException.class);
    }

    @Test
    void createsItsPublisherOnTheFirstOutputAndClosesItWithTheConsumer() throws Exception {
        AtomicInteger created = new AtomicInteger();
        ScriptedPublisher publisher = new ScriptedPublisher(List.of());
        ChainStep step = new ChainStep((message, next) -> next.send(NEXT, "one"), () -> {
            created.incrementAndGet();
            return publisher;
        }, true);

        step.handle(INPUT);
        step.handle(INPUT);
        step.onConsumerClosed(null);

        assertThat(created).hasValue(1);
        assertThat(publisher.closed).isTrue();
    }

    @Test
    void neverClosesAPublisherItWasGiven() throws Exception {
        ScriptedPublisher publisher = new ScriptedPublisher(List.of());
        ChainStep step = new ChainStep((message, next) -> next.send(NEXT, "one"), () -> publisher, false);

        step.handle(INPUT);
        step.onConsumerClosed(null);

        assertThat(publisher.closed).isFalse();
    }

    @Test
    void aConsumerTakesAChainHandlerOrAHandlerNotBoth() {
        assertThatThrownBy(() -> SqsConsumer.builder().sqsClient(mock(SqsAsyncClient.class))
                .queueUrl("http://localhost/000000000000/in").handler(message -> { })
                .chainHandler((message, next) -> { }).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.field()).isEqualTo("chainHandler"));
    }

    @Test
    void aConsumerRefusesAPublisherWithoutAChainHandler() {
        assertThatThrownBy(() -> SqsConsumer.builder().sqsClient(mock(SqsAsyncClient.class))
                .queueUrl("http://localhost/000000000000/in").handler(message -> { })
                .publisher(new ScriptedPublisher(List.of())).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.field()).isEqualTo("publisher"));
    }
}
