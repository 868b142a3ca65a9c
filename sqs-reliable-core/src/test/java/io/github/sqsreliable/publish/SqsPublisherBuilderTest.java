package io.github.sqsreliable.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.github.sqsreliable.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

class SqsPublisherBuilderTest {

    private final SqsAsyncClient client = mock(SqsAsyncClient.class);

    private static void assertRejected(SqsPublisher.Builder builder, String field, String problem) {
        assertThatThrownBy(builder::build).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(problem);
        });
    }

    @Test
    void requiresAClient() {
        assertRejected(SqsPublisher.builder(), "sqsClient", "must be set");
    }

    @Test
    void rejectsALingerOverOneSecond() {
        assertRejected(SqsPublisher.builder().sqsClient(client).linger(Duration.ofSeconds(2)), "linger", "PT2S");
    }

    @Test
    void rejectsAByteBoundBelowTheLargestMessage() {
        assertRejected(SqsPublisher.builder().sqsClient(client).maxPendingBytes(1000), "maxPendingBytes", "1048576");
    }

    @Test
    void rejectsZeroAttempts() {
        assertRejected(SqsPublisher.builder().sqsClient(client).maxAttempts(0), "maxAttempts", "(0)");
    }

    @Test
    void rejectsANegativeMaxBlock() {
        assertRejected(SqsPublisher.builder().sqsClient(client).maxBlock(Duration.ofSeconds(-1)), "maxBlock",
                "PT-1S");
    }

    @Test
    void rejectsNoPendingMessages() {
        assertRejected(SqsPublisher.builder().sqsClient(client).maxPendingMessages(0), "maxPendingMessages", "(0)");
    }

    @Test
    void aPublishAfterCloseFailsAndSendsNothing() {
        SqsPublisher publisher = SqsPublisher.builder().sqsClient(client).build();
        publisher.close();

        assertThatThrownBy(() -> publisher.publish("http://localhost/1/q", "b").join()).cause()
                .isInstanceOfSatisfying(PublishException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PublishException.PUBLISHER_CLOSED));
        org.mockito.Mockito.verifyNoInteractions(client);
    }
}
