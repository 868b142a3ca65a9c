package io.github.sqsreliable.stepfunctions.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.stepfunctions.StepFunctionsTask;
import io.github.sqsreliable.stepfunctions.TaskTokenSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/step-functions.md: its state's MessageBody is what the default token source and
 * {@code TaskContext.input()} read, and the limits it states are the code's.
 */
class StepFunctionsDocTest {

    private static final Path PAGE = Path.of("..", "docs", "step-functions.md");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String page() throws Exception {
        return Files.readString(PAGE);
    }

    @Test
    void theStatesMessageBodyIsWhatTheTaskReadsByDefault() throws Exception {
        Matcher block = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(page());
        assertThat(block.find()).isTrue();
        JsonNode state = JSON.readTree(block.group(1));
        assertThat(state.path("Resource").asText()).isEqualTo("arn:aws:states:::sqs:sendMessage.waitForTaskToken");
        assertThat(state.path("HeartbeatSeconds").asInt()).isPositive()
                .isLessThan(state.path("TimeoutSeconds").asInt());

        // what Step Functions sends: each "key.$" path evaluated, the token from the context object
        JsonNode stateInput = JSON.readTree("{\"image\":\"s3://photos/cat.jpg\"}");
        ObjectNode body = JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> field : state.path("Parameters").path("MessageBody").properties()) {
            assertThat(field.getKey()).endsWith(".$");
            String key = field.getKey().substring(0, field.getKey().length() - 2);
            switch (field.getValue().asText()) {
                case "$" -> body.set(key, stateInput);
                case "$$.Task.Token" -> body.put(key, "AQCEAAAAKgAAAAMAAAAA-token");
                default -> throw new AssertionError("unexpected path " + field.getValue());
            }
        }
        SqsMessage message = SqsMessage.builder().queueUrl("http://localhost/000000000000/resize").messageId("m-1")
                .body(JSON.writeValueAsString(body)).build();

        TaskMessage task = new TaskMessage(message, TaskTokenSource.DEFAULT, JSON);
        assertThat(task.taskToken()).isEqualTo("AQCEAAAAKgAAAAMAAAAA-token");
        assertThat(task.input()).isEqualTo(stateInput);
    }

    @Test
    void theLimitsThePageStatesAreTheCodes() throws Exception {
        String page = page().replaceAll("\\s+", " ");
        assertThat(page).contains("256 KiB of output, which is 262,144 bytes of UTF-8");
        assertThat(TaskOutputs.MAX_OUTPUT_BYTES).isEqualTo(262_144);
        assertThat(page).contains("`error` to 256 characters and `cause` to 32,768");
        assertThat(FailureText.MAX_ERROR_LENGTH).isEqualTo(256);
        assertThat(FailureText.MAX_CAUSE_LENGTH).isEqualTo(32_768);
        assertThat(page).contains("a body of 8 characters or more");
        assertThat(FailureText.MIN_REDACTED_BODY_LENGTH).isEqualTo(8);
        assertThat(page).contains("every `heartbeatInterval`, if set (at least 100 ms)");
        assertThat(StepFunctionsTask.MIN_HEARTBEAT_INTERVAL.toMillis()).isEqualTo(100);
        assertThat(page).contains("`sqs-reliable-stepfunctions-heartbeat`");
        assertThat(StepFunctionsTask.DEFAULT_NAME).isEqualTo("stepfunctions");
        assertThat(page).contains("it waits up to 2 s for its `SendTaskFailure` calls still in flight");
        assertThat(StepFunctionsTask.LAMBDA_FAILURE_WAIT).hasSeconds(2);
        assertThat(page).contains("at most 1,000 outputs and 32 MiB");
        assertThat(UnconfirmedOutputs.MAX_OUTPUTS).isEqualTo(1_000);
        assertThat(UnconfirmedOutputs.MAX_CHARACTERS * Character.BYTES).isEqualTo(32L * 1024 * 1024);
    }
}
