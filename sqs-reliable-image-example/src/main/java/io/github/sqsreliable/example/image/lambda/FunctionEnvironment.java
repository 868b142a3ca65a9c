package io.github.sqsreliable.example.image.lambda;

import java.util.Map;
import java.util.Objects;

/** The environment variables the functions read (set in {@code docs/template.yaml}), checked on the way in. */
final class FunctionEnvironment {

    static final String RESIZE_QUEUE_URL = "RESIZE_QUEUE_URL";
    static final String RESIZE_DEAD_LETTER_QUEUE_URL = "RESIZE_DEAD_LETTER_QUEUE_URL";
    static final String CATALOG_QUEUE_URL = "CATALOG_QUEUE_URL";
    static final String CATALOG_RETRY_QUEUE_URL = "CATALOG_RETRY_QUEUE_URL";
    static final String CATALOG_DEAD_LETTER_QUEUE_URL = "CATALOG_DEAD_LETTER_QUEUE_URL";
    static final String IMAGES_BUCKET = "IMAGES_BUCKET";
    static final String CATALOG_TABLE = "CATALOG_TABLE";
    static final String IDEMPOTENCY_TABLE = "IDEMPOTENCY_TABLE";

    /** Where the status records are kept in the images bucket, next to {@code originals/} and {@code variants/}. */
    static final String STATUS_PREFIX = "status/";

    private final Map<String, String> variables;

    FunctionEnvironment(Map<String, String> variables) {
        this.variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    }

    /**
     * @return the value of {@code name}
     * @throws IllegalStateException naming the variable if it is not set or blank
     */
    String require(String name) {
        String value = variables.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set: the function reads it as"
                    + " docs/template.yaml sets it");
        }
        return value;
    }
}
