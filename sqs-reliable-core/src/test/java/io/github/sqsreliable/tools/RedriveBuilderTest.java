package io.github.sqsreliable.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import io.github.sqsreliable.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** {@link DeadLetterRedrive.Builder}: one test per validation rule. */
class RedriveBuilderTest {

    private static final String DLQ_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq";

    private final SqsAsyncClient client = mock(SqsAsyncClient.class);

    private static void assertRejected(DeadLetterRedrive.Builder builder, String field, String shownValue) {
        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(field + " ")
                .hasMessageContaining(shownValue)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
    }

    @Test
    void buildsWithoutContactingSqs() {
        DeadLetterRedrive redrive = DeadLetterRedrive.builder().sqsClient(client).deadLetterQueueUrl(DLQ_URL).build();

        assertThat(redrive.deadLetterQueueUrl()).isEqualTo(DLQ_URL);
        verifyNoInteractions(client);
    }

    @Test
    void rejectsMissingSqsClient() {
        assertRejected(DeadLetterRedrive.builder().deadLetterQueueUrl(DLQ_URL), "sqsClient", "must be set");
    }

    @Test
    void rejectsMissingDeadLetterQueueUrl() {
        assertRejected(DeadLetterRedrive.builder().sqsClient(client), "deadLetterQueueUrl", "must be set");
    }

    @Test
    void rejectsDeadLetterQueueUrlThatIsNotAUrl() {
        assertRejected(DeadLetterRedrive.builder().sqsClient(client).deadLetterQueueUrl("orders dlq"),
                "deadLetterQueueUrl", "(orders dlq)");
    }

    @Test
    void rejectsRedriveIntoTheDeadLetterQueueItself() {
        DeadLetterRedrive redrive = DeadLetterRedrive.builder().sqsClient(client).deadLetterQueueUrl(DLQ_URL).build();

        assertThatThrownBy(() -> redrive.redrive(RedriveRequest.builder().targetQueueUrl(DLQ_URL).build()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("dead-letter queue itself");
        verifyNoInteractions(client);
    }

    @Test
    void rejectsPeekOfNothing() {
        DeadLetterRedrive redrive = DeadLetterRedrive.builder().sqsClient(client).deadLetterQueueUrl(DLQ_URL).build();

        assertThatThrownBy(() -> redrive.peek(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0)");
        verifyNoInteractions(client);
    }
}
