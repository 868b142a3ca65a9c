package io.github.sqsreliable.internal.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.sqsreliable.SqsReliableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Reading the queue's attributes at {@code start()}, against a mocked client: what the profile holds, and what
 * the exception says when SQS does not answer in time or answers with an error.
 */
@Timeout(10)
class QueueProfileTest {

    private static final String QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";

    private static SqsAsyncClient answering(CompletableFuture<GetQueueAttributesResponse> answer) {
        SqsAsyncClient client = mock(SqsAsyncClient.class);
        when(client.getQueueAttributes(any(GetQueueAttributesRequest.class))).thenReturn(answer);
        return client;
    }

    @Test
    void readsTheAttributesIntoTheProfile() {
        // given a queue with a RedrivePolicy
        SqsAsyncClient client = answering(CompletableFuture.completedFuture(GetQueueAttributesResponse.builder()
                .attributes(Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, "45",
                        QueueAttributeName.QUEUE_ARN, "arn:aws:sqs:us-east-1:123456789012:orders",
                        QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "262144",
                        QueueAttributeName.REDRIVE_POLICY,
                        "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:orders-dlq\",\"maxReceiveCount\":5}"))
                .build()));

        // when / then
        assertThat(QueueProfile.read(client, QUEUE_URL, Duration.ofSeconds(1))).isEqualTo(new QueueProfile(false,
                Duration.ofSeconds(45), "arn:aws:sqs:us-east-1:123456789012:orders", 5,
                "arn:aws:sqs:us-east-1:123456789012:orders-dlq", 262_144));
    }

    @Test
    void aQueueThatDoesNotSayItsMaximumMessageSizeIsTakenToAllowSqsLargest() {
        // given a queue whose attributes omit MaximumMessageSize, as ElasticMQ's do
        SqsAsyncClient client = answering(CompletableFuture.completedFuture(GetQueueAttributesResponse.builder()
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30"))
                .build()));

        // when / then
        assertThat(QueueProfile.read(client, QUEUE_URL, Duration.ofSeconds(1)).maxMessageBytes())
                .isEqualTo(1_048_576);
    }

    @Test
    void anAnswerThatNeverComesSaysItTimedOutAndAfterHowLong() {
        // given a client whose call never completes
        SqsAsyncClient client = answering(new CompletableFuture<>());

        // when / then: the message names the queue and the timeout, and does not end in "null"
        assertThatThrownBy(() -> QueueProfile.read(client, QUEUE_URL, Duration.ofMillis(200)))
                .isInstanceOf(SqsReliableException.class)
                .hasMessageContaining("reading the attributes of queue " + QUEUE_URL + " timed out after PT0.2S")
                .hasMessageNotContaining("null")
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void anErrorAnswerGivesTheErrorsMessage() {
        // given SQS answers that the queue does not exist
        Throwable missing = QueueDoesNotExistException.builder().message("The specified queue does not exist.")
                .build();
        SqsAsyncClient client = answering(CompletableFuture.failedFuture(missing));

        // when / then
        assertThatThrownBy(() -> QueueProfile.read(client, QUEUE_URL, Duration.ofSeconds(1)))
                .isInstanceOf(SqsReliableException.class)
                .hasMessageContaining("could not read the attributes of queue " + QUEUE_URL)
                .hasMessageEndingWith(": The specified queue does not exist.")
                .hasCause(missing);
    }

    @Test
    void aFailureWithoutAMessageGivesItsClassNameInstead() {
        // given a failure that carries no message
        IllegalStateException failure = new IllegalStateException();
        SqsAsyncClient client = answering(CompletableFuture.failedFuture(failure));

        // when / then
        assertThatThrownBy(() -> QueueProfile.read(client, QUEUE_URL, Duration.ofSeconds(1)))
                .isInstanceOf(SqsReliableException.class)
                .hasMessageEndingWith(": java.lang.IllegalStateException")
                .hasMessageNotContaining("null")
                .hasCause(failure);
    }
}
