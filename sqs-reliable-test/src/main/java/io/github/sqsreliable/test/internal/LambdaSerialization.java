package io.github.sqsreliable.test.internal;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Lambda Java runtime's own JSON mapping of {@link SQSEvent} and {@link SQSBatchResponse}
 * ({@code aws-lambda-java-serialization}), the only class of the kit that touches it, so that the rest loads without
 * that optional dependency. Not API.
 */
public final class LambdaSerialization {

    /** Classes of the Lambda libraries, checked for before this class or the event source is used. */
    public static final List<String> MARKER_CLASSES = List.of(
            "com.amazonaws.services.lambda.runtime.RequestHandler",
            "com.amazonaws.services.lambda.runtime.events.SQSEvent",
            "com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers");
    /** Their Maven coordinates, in the same order. */
    public static final List<String> ARTIFACTS = List.of(
            "com.amazonaws:aws-lambda-java-core",
            "com.amazonaws:aws-lambda-java-events",
            "com.amazonaws:aws-lambda-java-serialization");

    private final PojoSerializer<SQSEvent> events;
    private final PojoSerializer<SQSBatchResponse> responses;

    /**
     * @param classLoader the loader of the function's classes, as the runtime uses the function's loader
     */
    public LambdaSerialization(ClassLoader classLoader) {
        this.events = LambdaEventSerializers.serializerFor(SQSEvent.class, classLoader);
        this.responses = LambdaEventSerializers.serializerFor(SQSBatchResponse.class, classLoader);
    }

    /**
     * @param json an SQS event
     * @return it as the runtime hands it to a {@code RequestHandler<SQSEvent, ?>}
     */
    public SQSEvent event(String json) {
        return events.fromJson(json);
    }

    /**
     * @param response what the function returned, or null
     * @return it as the runtime writes it back to Lambda: {@code null} for null
     */
    public String toJson(SQSBatchResponse response) {
        if (response == null) {
            return "null";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        responses.toJson(response, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * @param json a response as {@link #toJson} writes it
     * @return it read back, or null for {@code null}
     */
    public SQSBatchResponse response(String json) {
        return json.strip().equals("null") ? null : responses.fromJson(json);
    }
}
