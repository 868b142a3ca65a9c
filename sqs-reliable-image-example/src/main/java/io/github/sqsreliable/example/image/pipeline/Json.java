package io.github.sqsreliable.example.image.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The example's one JSON mapper: ISO-8601 times, {@code Optional} support, unknown fields ignored. */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    /** The shared mapper; thread-safe. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code value} as compact JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code value} as UTF-8 JSON bytes. */
    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads {@code json} as a {@code type}.
     *
     * @throws MalformedJsonException if it is not JSON of that shape
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new MalformedJsonException(type.getSimpleName() + " expected: " + originalMessage(e), e);
        }
    }

    /**
     * Reads {@code json} as a {@code type}.
     *
     * @throws MalformedJsonException if it is not JSON of that shape
     */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new MalformedJsonException(type.getSimpleName() + " expected: " + originalMessage(e), e);
        }
    }

    private static String originalMessage(IOException e) {
        return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    }

    /** Thrown when JSON cannot be read; a message body like that is a permanent failure. */
    public static final class MalformedJsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
