package io.github.sqsreliable;

/**
 * A builder was given a value it cannot accept. The message names the field and shows the value.
 */
public final class InvalidConfigurationException extends SqsReliableException {

    private static final long serialVersionUID = 1L;

    /** The builder field that was rejected. */
    private final String field;

    private InvalidConfigurationException(String field, String message) {
        super(message);
        this.field = field;
    }

    /**
     * Creates the exception for a field.
     *
     * @param field the builder method's name, e.g. {@code "waitTime"}
     * @param problem the sentence that follows the field, e.g. {@code "(PT25S) must be at most PT20S"}
     * @return the exception to throw
     */
    public static InvalidConfigurationException of(String field, String problem) {
        return new InvalidConfigurationException(field, field + " " + problem);
    }

    /** @return the builder field that was rejected */
    public String field() {
        return field;
    }
}
