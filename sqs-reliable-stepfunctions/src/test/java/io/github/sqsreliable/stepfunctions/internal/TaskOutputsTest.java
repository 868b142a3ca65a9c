package io.github.sqsreliable.stepfunctions.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sqsreliable.stepfunctions.InvalidTaskOutputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskOutputsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Resized(String key, int width, List<String> tags) {
    }

    /** Jackson finds nothing to write in it. */
    static final class Opaque {
    }

    @Test
    void nullIsAnEmptyObject() {
        assertThat(TaskOutputs.toJson(null, JSON)).isEqualTo("{}");
    }

    @Test
    void mapsRecordsTreesAndScalarsAreWrittenWithJackson() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("order", 7);
        map.put("ok", true);
        assertThat(TaskOutputs.toJson(map, JSON)).isEqualTo("{\"order\":7,\"ok\":true}");
        assertThat(TaskOutputs.toJson(new Resized("img/1.jpg", 640, List.of("a")), JSON))
                .isEqualTo("{\"key\":\"img/1.jpg\",\"width\":640,\"tags\":[\"a\"]}");
        assertThat(TaskOutputs.toJson(JSON.createArrayNode().add(1).add("x"), JSON)).isEqualTo("[1,\"x\"]");
        assertThat(TaskOutputs.toJson(42, JSON)).isEqualTo("42");
    }

    @Test
    void aStringIsSentAsItIsWhenItIsJsonText() {
        assertThat(TaskOutputs.toJson("{\"a\": [1, 2]}", JSON)).isEqualTo("{\"a\": [1, 2]}");
        assertThat(TaskOutputs.toJson("\"done\"", JSON)).isEqualTo("\"done\"");
        assertThat(TaskOutputs.toJson("null", JSON)).isEqualTo("null");
    }

    @Test
    void aStringThatIsNotJsonTextIsAPermanentFailureThatDoesNotQuoteIt() {
        assertThatThrownBy(() -> TaskOutputs.toJson("done secret-42", JSON))
                .isInstanceOf(InvalidTaskOutputException.class)
                .hasMessageStartingWith("the task handler returned a String that is not JSON text (at line 1, column")
                .hasMessageNotContaining("secret-42")
                .hasNoCause();
        assertThatThrownBy(() -> TaskOutputs.toJson("{\"a\":1} {\"b\":2}", JSON))
                .isInstanceOf(InvalidTaskOutputException.class);
        assertThatThrownBy(() -> TaskOutputs.toJson("", JSON))
                .hasMessageStartingWith("the task handler returned an empty String");
    }

    @Test
    void anObjectJacksonCannotWriteIsAPermanentFailureNamingItsClass() {
        assertThatThrownBy(() -> TaskOutputs.toJson(new Opaque(), JSON))
                .isInstanceOf(InvalidTaskOutputException.class)
                .hasMessageStartingWith("the task handler returned a " + Opaque.class.getName()
                        + " that Jackson cannot write as JSON");
    }

    @Test
    void theLimitIs256KiBOfUtf8() {
        // "..." with its two quotes: exactly 262,144 bytes passes, one more does not
        String largest = "\"" + "x".repeat(TaskOutputs.MAX_OUTPUT_BYTES - 2) + "\"";
        assertThat(TaskOutputs.toJson(largest, JSON)).hasSize(262_144);
        assertThatThrownBy(() -> TaskOutputs.toJson("\"" + "x".repeat(TaskOutputs.MAX_OUTPUT_BYTES - 1) + "\"", JSON))
                .isInstanceOf(InvalidTaskOutputException.class)
                .hasMessage("the task output is 262145 bytes of JSON, more than the 262144 bytes (256 KiB) Step "
                        + "Functions accepts; return a reference to the data instead (e.g. an S3 key)");
    }

    @Test
    void bytesNotCharactersCount() {
        // "é" is 2 bytes in UTF-8: 131,071 of them and the quotes are 262,144 bytes; one more is over, in far fewer
        // characters than the limit
        assertThat(TaskOutputs.toJson("\"" + "é".repeat(131_071) + "\"", JSON)).hasSize(131_073);
        assertThatThrownBy(() -> TaskOutputs.toJson("\"" + "é".repeat(131_072) + "\"", JSON))
                .hasMessageStartingWith("the task output is 262146 bytes");
    }
}
