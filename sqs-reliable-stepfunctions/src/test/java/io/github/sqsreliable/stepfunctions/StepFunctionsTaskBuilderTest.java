package io.github.sqsreliable.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnAsyncClient;

class StepFunctionsTaskBuilderTest {

    /** Never called: one for the class, as closing a client waits for its event loop to wind down. */
    private static SfnAsyncClient sfn;

    @BeforeAll
    static void createClient() {
        sfn = SfnAsyncClient.builder().region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).build();
    }

    @AfterAll
    static void closeClient() {
        sfn.close();
    }

    private StepFunctionsTask.Builder valid() {
        return StepFunctionsTask.builder().sfnClient(sfn).handler((message, context) -> null);
    }

    private static void rejects(StepFunctionsTask.Builder builder, String field, String message) {
        assertThatThrownBy(builder::build).isInstanceOf(InvalidConfigurationException.class).hasMessage(message)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
    }

    @Test
    void buildsWithTheClientAndTheHandlerOnly() {
        try (StepFunctionsTask task = valid().build()) {
            assertThat(task).hasToString("StepFunctionsTask[stepfunctions]");
        }
    }

    @Test
    void requiresAClient() {
        rejects(valid().sfnClient(null), "sfnClient", "sfnClient must be set");
    }

    @Test
    void requiresAHandler() {
        rejects(valid().handler(null), "handler", "handler must be set");
    }

    @Test
    void rejectsANullTokenSource() {
        rejects(valid().taskToken(null), "taskToken", "taskToken must not be null");
    }

    @Test
    void rejectsAHeartbeatIntervalUnder100Milliseconds() {
        rejects(valid().heartbeatInterval(Duration.ofMillis(99)), "heartbeatInterval",
                "heartbeatInterval (PT0.099S) must be at least PT0.1S");
        rejects(valid().heartbeatInterval(Duration.ofSeconds(-1)), "heartbeatInterval",
                "heartbeatInterval (PT-1S) must be at least PT0.1S");
        valid().heartbeatInterval(StepFunctionsTask.MIN_HEARTBEAT_INTERVAL).build().close();
    }

    @Test
    void rejectsABlankName() {
        rejects(valid().name(" "), "name", "name ( ) must not be blank");
    }

    @Test
    void aJsonPointerMustStartWithASlash() {
        assertThatThrownBy(() -> TaskTokenSource.jsonPointer("taskToken"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("taskToken JSON pointer (\"taskToken\") is not a JSON pointer: it must start with '/'");
    }

    @Test
    void aJsonPointerMustNameAMember() {
        assertThatThrownBy(() -> TaskTokenSource.jsonPointer(""))
                .hasMessage("taskToken JSON pointer () must name a member, e.g. \"/taskToken\"");
    }

    @Test
    void anAttributeNameMustNotBeBlank() {
        assertThatThrownBy(() -> TaskTokenSource.messageAttribute(""))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("taskToken message attribute name () must not be blank");
    }

    @Test
    void tokenSourcesAreValues() {
        assertThat(TaskTokenSource.jsonPointer("/taskToken")).isEqualTo(TaskTokenSource.DEFAULT)
                .hasToString("jsonPointer(/taskToken)");
        assertThat(TaskTokenSource.messageAttribute("TaskToken")).isEqualTo(TaskTokenSource.messageAttribute("TaskToken"))
                .isNotEqualTo(TaskTokenSource.DEFAULT).hasToString("messageAttribute(TaskToken)");
    }
}
