package io.github.sqsreliable.test.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.github.sqsreliable.test.internal.LocalClients;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** One builder rule, one test; nothing here calls SQS. */
class SqsEventSourceTest {

    private static final SqsAsyncClient UNUSED = LocalClients.configure(SqsAsyncClient.builder(),
            URI.create("http://127.0.0.1:9"), null).build();

    @AfterAll
    static void closeClient() {
        UNUSED.close();
    }

    private static SqsEventSource.Builder valid() {
        return SqsEventSource.builder().sqsClient(UNUSED).queueUrl("http://127.0.0.1:9/000000000000/q")
                .function((event, context) -> new SQSBatchResponse());
    }

    @Test
    void buildsWithOnlyTheRequiredSettings() {
        assertThat(valid().build()).isNotNull();
    }

    @Test
    void requiresAnSqsClient() {
        assertThatThrownBy(() -> valid().sqsClient(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sqsClient must be set");
    }

    @Test
    void requiresAQueueUrl() {
        assertThatThrownBy(() -> valid().queueUrl(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("queueUrl ( ) must be set");
    }

    @Test
    void requiresAFunction() {
        assertThatThrownBy(() -> valid().function(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("function must be set");
    }

    @Test
    void rejectsABatchSizeOutsideOneToTen() {
        assertThatThrownBy(() -> valid().batchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("batchSize (0) must be between 1 and 10");
        assertThatThrownBy(() -> valid().batchSize(11).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("batchSize (11) must be between 1 and 10");
    }

    @Test
    void rejectsAFunctionTimeoutOfZeroOrOverFifteenMinutes() {
        assertThatThrownBy(() -> valid().functionTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("functionTimeout (PT0S) must be");
        assertThatThrownBy(() -> valid().functionTimeout(Duration.ofMinutes(16)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("functionTimeout (PT16M) must be");
        assertThatThrownBy(() -> valid().functionTimeout(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("functionTimeout (null) must be");
    }

    @Test
    void rejectsAWaitTimeThatIsNotWholeSecondsUpToTwenty() {
        assertThatThrownBy(() -> valid().waitTime(Duration.ofSeconds(21)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("waitTime (PT21S) must be whole seconds from PT0S to PT20S");
        assertThatThrownBy(() -> valid().waitTime(Duration.ofMillis(500)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("waitTime (PT0.5S) must be");
    }

    @Test
    void rejectsAFunctionNameLambdaWouldReject() {
        assertThatThrownBy(() -> valid().functionName("my function").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("functionName (my function) must be");
    }

    @Test
    void defaultsAreLambdasOrDocumented() {
        assertThat(SqsEventSource.DEFAULT_BATCH_SIZE).isEqualTo(10);
        assertThat(SqsEventSource.DEFAULT_FUNCTION_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        assertThat(SqsEventSource.DEFAULT_WAIT_TIME).isEqualTo(Duration.ofSeconds(1));
    }
}
