package io.github.sqsreliable.stepfunctions.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.stepfunctions.InvalidTaskMessageException;
import io.github.sqsreliable.stepfunctions.TaskTokenSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

class TaskMessageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TaskMessage inBody(String body) {
        return new TaskMessage(message(body, Map.of()), TaskTokenSource.DEFAULT, JSON);
    }

    private static SqsMessage message(String body, Map<String, MessageAttributeValue> attributes) {
        return SqsMessage.builder().queueUrl("http://localhost/000000000000/tasks").messageId("m-1").body(body)
                .messageAttributes(attributes).build();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    @Test
    void readsTheTokenTheUsualStatePutsInTheBody() {
        TaskMessage task = inBody("{\"input\":{\"order\":7},\"taskToken\":\"AQB8A-token\"}");

        assertThat(task.taskToken()).isEqualTo("AQB8A-token");
        assertThat(task.input()).isEqualTo(JSON.createObjectNode().put("order", 7));
    }

    @Test
    void readsATokenAtANestedPointer() {
        TaskMessage task = new TaskMessage(message("{\"callback\":{\"token\":\"t-9\"}}", Map.of()),
                TaskTokenSource.jsonPointer("/callback/token"), JSON);

        assertThat(task.taskToken()).isEqualTo("t-9");
    }

    @Test
    void theInputIsTheWholeBodyWhenItHasNoInputMember() {
        TaskMessage task = new TaskMessage(message("[1,2]", Map.of("TaskToken", string("t"))),
                TaskTokenSource.messageAttribute("TaskToken"), JSON);

        assertThat(task.taskToken()).isEqualTo("t");
        assertThat(task.input().isArray()).isTrue();
        assertThat(task.input()).hasSize(2);
    }

    @Test
    void aMissingTokenIsAPermanentFailureThatSaysWhatTheStateNeeds() {
        assertThatThrownBy(() -> inBody("{\"input\":{}}").taskToken())
                .isInstanceOf(InvalidTaskMessageException.class).isInstanceOf(PermanentFailureException.class)
                .hasMessage("message m-1 has no task token at /taskToken (the state's MessageBody needs "
                        + "\"taskToken.$\": \"$$.Task.Token\")");
        assertThatThrownBy(() -> inBody("{\"taskToken\":null}").taskToken())
                .hasMessageContaining("has no task token at /taskToken");
    }

    @Test
    void aTokenThatIsNotAStringIsRejectedNamingItsType() {
        assertThatThrownBy(() -> inBody("{\"taskToken\":42}").taskToken())
                .isInstanceOf(InvalidTaskMessageException.class)
                .hasMessage("message m-1: the task token at /taskToken is a number, not a string");
        assertThatThrownBy(() -> inBody("{\"taskToken\":{\"a\":1}}").taskToken())
                .hasMessage("message m-1: the task token at /taskToken is an object, not a string");
    }

    @Test
    void anEmptyOrOverlongTokenIsRejected() {
        assertThatThrownBy(() -> inBody("{\"taskToken\":\"  \"}").taskToken())
                .hasMessage("message m-1: the task token at /taskToken is empty");
        String longest = "t".repeat(TaskMessage.MAX_TOKEN_LENGTH);
        assertThat(inBody("{\"taskToken\":\"" + longest + "\"}").taskToken()).isEqualTo(longest);
        assertThatThrownBy(() -> inBody("{\"taskToken\":\"" + longest + "t\"}").taskToken())
                .hasMessage("message m-1: the task token at /taskToken has 2049 characters, more than the 2048 "
                        + "Step Functions accepts");
    }

    @Test
    void aBodyThatIsNotJsonIsRejectedWithItsPositionAndNotItsText() {
        assertThatThrownBy(() -> inBody("card 4111-1111").taskToken())
                .isInstanceOf(InvalidTaskMessageException.class)
                .hasMessage("message m-1 has a body that is not JSON (at line 1, column 1), so it has no task token "
                        + "at /taskToken")
                .hasNoCause();
        assertThatThrownBy(() -> inBody("{\"taskToken\":\"t\"} trailing").taskToken())
                .hasMessageStartingWith("message m-1 has a body that is not JSON");
        assertThatThrownBy(() -> inBody("").taskToken())
                .hasMessage("message m-1 has an empty body, so it has no task token at /taskToken");
    }

    @Test
    void anInputThatIsNotJsonIsAPermanentFailure() {
        TaskMessage task = new TaskMessage(message("plain text", Map.of("TaskToken", string("t"))),
                TaskTokenSource.messageAttribute("TaskToken"), JSON);

        assertThat(task.taskToken()).isEqualTo("t");
        assertThatThrownBy(task::input).isInstanceOf(InvalidTaskMessageException.class)
                .hasMessageContaining("has a body that is not JSON").hasMessageNotContaining("plain");
    }

    @Test
    void aMissingOrBinaryAttributeIsRejected() {
        TaskTokenSource attribute = TaskTokenSource.messageAttribute("TaskToken");
        assertThatThrownBy(() -> new TaskMessage(message("{}", Map.of()), attribute, JSON).taskToken())
                .hasMessage("message m-1 has no task token in message attribute TaskToken (the state's "
                        + "MessageAttributes need \"TaskToken\": {\"DataType\": \"String\", \"StringValue.$\": "
                        + "\"$$.Task.Token\"})");
        MessageAttributeValue binary = MessageAttributeValue.builder().dataType("Binary")
                .binaryValue(SdkBytes.fromUtf8String("t")).build();
        assertThatThrownBy(() -> new TaskMessage(message("{}", Map.of("TaskToken", binary)), attribute, JSON)
                .taskToken())
                .hasMessage("message m-1: the task token in message attribute TaskToken is of type Binary, not String");
    }
}
