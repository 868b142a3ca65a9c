package io.github.sqsreliable.stepfunctions.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sqsreliable.internal.sqs.MessageSize;
import io.github.sqsreliable.stepfunctions.InvalidTaskOutputException;

/** Turns a task handler's return value into the JSON text of SendTaskSuccess's {@code output}. */
public final class TaskOutputs {

    /** Step Functions' limit on a task's output: 256 KiB of UTF-8. */
    public static final int MAX_OUTPUT_BYTES = 256 * 1024;
    /** What a handler that returns {@code null} sends. */
    static final String EMPTY_OUTPUT = "{}";

    private TaskOutputs() {
    }

    /**
     * @param result what the handler returned
     * @param mapper writes objects and checks strings
     * @return the output's JSON text
     * @throws InvalidTaskOutputException if a string is not JSON, an object cannot be written, or the text is larger
     *     than {@link #MAX_OUTPUT_BYTES}; the reason never quotes the output
     */
    public static String toJson(Object result, ObjectMapper mapper) {
        String json;
        if (result == null) {
            json = EMPTY_OUTPUT;
        } else if (result instanceof String text) {
            json = checkedJson(text, mapper);
        } else {
            try {
                json = mapper.writeValueAsString(result);
            } catch (JsonProcessingException e) {
                throw new InvalidTaskOutputException("the task handler returned a " + result.getClass().getName()
                        + " that Jackson cannot write as JSON: " + e.getOriginalMessage(), e);
            }
        }
        long bytes = MessageSize.utf8Length(json);
        if (bytes > MAX_OUTPUT_BYTES) {
            throw new InvalidTaskOutputException("the task output is " + bytes + " bytes of JSON, more than the "
                    + MAX_OUTPUT_BYTES + " bytes (256 KiB) Step Functions accepts; return a reference to the data "
                    + "instead (e.g. an S3 key)");
        }
        return json;
    }

    private static String checkedJson(String text, ObjectMapper mapper) {
        try {
            JsonNode parsed = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
            if (parsed == null || parsed.isMissingNode()) {
                throw new InvalidTaskOutputException("the task handler returned an empty String; a String output "
                        + "must be JSON text (return \"{}\", or null for {})");
            }
            return text;
        } catch (JsonProcessingException e) {
            // Not e.getMessage(): it quotes the text, which may be data the reason must not carry.
            throw new InvalidTaskOutputException("the task handler returned a String that is not JSON text ("
                    + TaskMessage.position(e) + "); to output a JSON string, return it quoted, or return a JsonNode, Map or object");
        }
    }
}
