package io.github.sqsreliable.stepfunctions;

import com.fasterxml.jackson.core.JsonPointer;
import io.github.sqsreliable.InvalidConfigurationException;
import java.util.Objects;

/**
 * Where a message carries its Step Functions task token: a string in its JSON body, or a String message attribute.
 * Immutable.
 *
 * <p>The usual state passes the token in the body, which {@link #DEFAULT} reads:
 * <pre>{@code
 * "MessageBody": { "input.$": "$", "taskToken.$": "$$.Task.Token" }
 * }</pre>
 */
public final class TaskTokenSource {

    /** {@code jsonPointer("/taskToken")}: the body's {@code taskToken} member. */
    public static final TaskTokenSource DEFAULT = jsonPointer("/taskToken");

    private final JsonPointer pointer;
    private final String attributeName;

    private TaskTokenSource(JsonPointer pointer, String attributeName) {
        this.pointer = pointer;
        this.attributeName = attributeName;
    }

    /**
     * The token is the string at a JSON pointer (RFC 6901) in the message body.
     *
     * @param pointer e.g. {@code "/taskToken"} or {@code "/callback/token"}
     * @return the source
     * @throws InvalidConfigurationException if {@code pointer} is null, empty (the whole body) or not a JSON pointer
     */
    public static TaskTokenSource jsonPointer(String pointer) {
        if (pointer == null || pointer.isEmpty()) {
            throw InvalidConfigurationException.of("taskToken",
                    "JSON pointer (" + pointer + ") must name a member, e.g. \"/taskToken\"");
        }
        try {
            return new TaskTokenSource(JsonPointer.compile(pointer), null);
        } catch (IllegalArgumentException e) {
            throw InvalidConfigurationException.of("taskToken",
                    "JSON pointer (\"" + pointer + "\") is not a JSON pointer: it must start with '/'");
        }
    }

    /**
     * The token is the value of a String message attribute, set in the state's {@code MessageAttributes}.
     *
     * @param name the attribute's name, e.g. {@code "TaskToken"}
     * @return the source
     * @throws InvalidConfigurationException if {@code name} is null or blank
     */
    public static TaskTokenSource messageAttribute(String name) {
        if (name == null || name.isBlank()) {
            throw InvalidConfigurationException.of("taskToken", "message attribute name (" + name
                    + ") must not be blank");
        }
        return new TaskTokenSource(null, name);
    }

    /** @return the JSON pointer in the body, or {@code null} for a message attribute */
    public JsonPointer pointer() {
        return pointer;
    }

    /** @return the message attribute's name, or {@code null} for a JSON pointer */
    public String attributeName() {
        return attributeName;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TaskTokenSource that && Objects.equals(String.valueOf(pointer),
                String.valueOf(that.pointer)) && Objects.equals(attributeName, that.attributeName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(String.valueOf(pointer), attributeName);
    }

    @Override
    public String toString() {
        return pointer != null ? "jsonPointer(" + pointer + ")" : "messageAttribute(" + attributeName + ")";
    }
}
