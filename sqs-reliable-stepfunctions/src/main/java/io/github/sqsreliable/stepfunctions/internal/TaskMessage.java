package io.github.sqsreliable.stepfunctions.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.stepfunctions.InvalidTaskMessageException;
import io.github.sqsreliable.stepfunctions.TaskContext;
import io.github.sqsreliable.stepfunctions.TaskTokenSource;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * One message read as a Step Functions task: its token and its input, the body parsed at most once. Reasons never
 * quote the body, nor Jackson's messages, which quote the offending token.
 */
public final class TaskMessage implements TaskContext {

    /** SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat accept tokens of 1 to 2,048 characters. */
    static final int MAX_TOKEN_LENGTH = 2048;
    /** The body member the usual state ({@code "input.$": "$"}) puts the state's input in. */
    static final String INPUT_MEMBER = "input";

    private final SqsMessage message;
    private final TaskTokenSource source;
    private final ObjectReader reader;
    private JsonNode body;
    private String token;

    /**
     * @param message the message
     * @param source where it carries its token
     * @param mapper reads the body
     */
    public TaskMessage(SqsMessage message, TaskTokenSource source, ObjectMapper mapper) {
        this.message = message;
        this.source = source;
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    @Override
    public String taskToken() {
        if (token == null) {
            token = source.pointer() != null ? tokenInBody() : tokenInAttribute();
        }
        return token;
    }

    @Override
    public JsonNode input() {
        JsonNode parsed = body("task input");
        JsonNode input = parsed.get(INPUT_MEMBER);
        return parsed.isObject() && input != null ? input : parsed;
    }

    private String tokenInBody() {
        String where = "task token at " + source.pointer();
        JsonNode node = body(where).at(source.pointer());
        if (node.isMissingNode() || node.isNull()) {
            throw new InvalidTaskMessageException("message " + message.messageId() + " has no " + where
                    + " (the state's MessageBody needs \"" + source.pointer().last().getMatchingProperty()
                    + ".$\": \"$$.Task.Token\")");
        }
        if (!node.isTextual()) {
            throw new InvalidTaskMessageException("message " + message.messageId() + ": the " + where + " is "
                    + article(node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)) + ", not a string");
        }
        return checked(node.textValue(), where);
    }

    private String tokenInAttribute() {
        String where = "task token in message attribute " + source.attributeName();
        MessageAttributeValue value = message.messageAttributes().get(source.attributeName());
        if (value == null) {
            throw new InvalidTaskMessageException("message " + message.messageId() + " has no " + where
                    + " (the state's MessageAttributes need \"" + source.attributeName()
                    + "\": {\"DataType\": \"String\", \"StringValue.$\": \"$$.Task.Token\"})");
        }
        if (value.dataType() == null || !value.dataType().startsWith("String") || value.stringValue() == null) {
            throw new InvalidTaskMessageException("message " + message.messageId() + ": the " + where + " is of type "
                    + value.dataType() + ", not String");
        }
        return checked(value.stringValue(), where);
    }

    private String checked(String candidate, String where) {
        if (candidate.isBlank()) {
            throw new InvalidTaskMessageException("message " + message.messageId() + ": the " + where + " is empty");
        }
        if (candidate.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTaskMessageException("message " + message.messageId() + ": the " + where + " has "
                    + candidate.length() + " characters, more than the " + MAX_TOKEN_LENGTH
                    + " Step Functions accepts");
        }
        return candidate;
    }

    private JsonNode body(String needed) {
        if (body == null) {
            try {
                JsonNode parsed = reader.readTree(message.body());
                if (parsed == null || parsed.isMissingNode()) {
                    throw new InvalidTaskMessageException("message " + message.messageId()
                            + " has an empty body, so it has no " + needed);
                }
                body = parsed;
            } catch (JsonProcessingException e) {
                // Jackson's own message quotes the offending text: the position alone says where, not what.
                throw new InvalidTaskMessageException("message " + message.messageId() + " has a body that is not "
                        + "JSON (" + position(e) + "), so it has no " + needed);
            }
        }
        return body;
    }

    /**
     * @param e a parser's failure
     * @return where it happened, e.g. {@code at line 1, column 5}, without the text there
     */
    static String position(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null ? "position unknown" : "at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String article(String noun) {
        return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }
}
