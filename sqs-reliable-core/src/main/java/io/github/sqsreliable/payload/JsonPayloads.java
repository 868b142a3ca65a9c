package io.github.sqsreliable.payload;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.internal.payload.JsonProblems;
import io.github.sqsreliable.internal.payload.NoClassNameTypeIds;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads and writes JSON bodies with Jackson, safely for input from anyone who can send to the queue.
 *
 * <pre>{@code
 * JsonPayloads json = JsonPayloads.create();
 * Order order = json.read(body, Order.class);
 * String body = json.write(order);
 * }</pre>
 *
 * <p>What it does with hostile input, whatever mapper it was given:
 * <ul>
 *   <li>No polymorphic typing by class name: default typing is off, and a type id that names a class
 *       ({@code @JsonTypeInfo(use = CLASS)} or {@code MINIMAL_CLASS}) is refused before any class is loaded, so a
 *       body can never choose a class to instantiate. Use {@code use = NAME} with {@code @JsonSubTypes}.</li>
 *   <li>Read limits ({@link Builder#maxNestingDepth}, {@link Builder#maxNumberLength},
 *       {@link Builder#maxStringLength}, {@link Builder#maxDocumentLength}) stop deep nesting, huge numbers and huge
 *       strings while parsing, before they cost stack, CPU or memory.</li>
 *   <li>Error locations never carry the source text, and a {@link MalformedPayloadException}'s reason is built here
 *       from the error's kind, JSON path, line and column: Jackson's own messages, which quote the body, are never
 *       passed on. A path shows only property names that the target type declares ({@code <key>} stands for a map
 *       key, {@code <property>} for any other name) and array indexes.</li>
 *   <li>No Java deserialization.</li>
 * </ul>
 *
 * <p>A body must be exactly one JSON value of the type: an empty body, JSON {@code null}, or anything but white space
 * after the value is malformed. {@link #create()} ignores properties the type does not declare (a tolerant reader,
 * so producers can add fields before consumers know them); with {@link Builder#objectMapper} the mapper's own
 * features decide that, and everything else about binding (modules, naming strategies). A type Jackson cannot bind at
 * all (no usable constructor, say) is not the message's fault: reading it throws {@link IllegalStateException}, a
 * transient failure, so the messages wait for the fix instead of being dead-lettered.
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonPayloads implements PayloadReader, PayloadWriter {

    /** Default {@link Builder#maxNestingDepth(int)}: {@value}, deeper than any schema we know of needs. */
    public static final int DEFAULT_MAX_NESTING_DEPTH = 200;
    /** Default {@link Builder#maxNumberLength(int)}: {@value} characters, Jackson's own default. */
    public static final int DEFAULT_MAX_NUMBER_LENGTH = 1_000;
    /** Default {@link Builder#maxStringLength(int)}: {@value} characters (256 Ki, SNS's largest message). */
    public static final int DEFAULT_MAX_STRING_LENGTH = 262_144;
    /** Default {@link Builder#maxDocumentLength(long)}: {@value} characters, SQS's largest message (1 MiB). */
    public static final long DEFAULT_MAX_DOCUMENT_LENGTH = 1_048_576;

    private final ObjectMapper mapper;
    private final StreamReadConstraints constraints;

    private JsonPayloads(ObjectMapper mapper, StreamReadConstraints constraints) {
        this.mapper = mapper;
        this.constraints = constraints;
    }

    /** @return a reader and writer with the defaults: a new mapper that ignores unknown properties */
    public static JsonPayloads create() {
        return builder().build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads one body as {@code type}.
     *
     * @param body the body
     * @param type what to read it as
     * @param <T> the type
     * @return the value; never {@code null}
     * @throws MalformedPayloadException if the body is not exactly one JSON value of {@code type}
     * @throws IllegalStateException if Jackson cannot bind {@code type} at all, whatever the body
     */
    @Override
    public <T> T read(String body, Class<T> type) throws MalformedPayloadException {
        Objects.requireNonNull(body, "body must not be null");
        Objects.requireNonNull(type, "type must not be null");
        JsonParser parser;
        try {
            parser = mapper.createParser(body);
        } catch (JacksonException e) {
            // A body over maxDocumentLength is refused as the parser is created.
            throw new MalformedPayloadException(JsonProblems.describe(e, type, constraints, mapper, null));
        } catch (IOException e) {
            throw new MalformedPayloadException(JsonProblems.unreadable(type, e));
        }
        try {
            if (parser.nextToken() == null) {
                throw new MalformedPayloadException(JsonProblems.empty(type));
            }
            T value = mapper.readValue(parser, type);
            if (value == null) {
                throw new MalformedPayloadException(JsonProblems.jsonNull(type));
            }
            if (parser.nextToken() != null) {
                throw new MalformedPayloadException(JsonProblems.trailing(type, parser.currentTokenLocation()));
            }
            return value;
        } catch (InvalidDefinitionException e) {
            throw new IllegalStateException(JsonProblems.badDefinition(type, e));
        } catch (JacksonException e) {
            // A limit hit inside the parser carries no location: where the parser stopped stands in (read before
            // the parser is closed, which forgets its position).
            throw new MalformedPayloadException(JsonProblems.describe(e, type, constraints, mapper,
                    parser.currentLocation()));
        } catch (IOException e) {
            // Reading a String does no I/O; kept apart so that no other exception's message is quoted.
            throw new MalformedPayloadException(JsonProblems.unreadable(type, e));
        } finally {
            close(parser);
        }
    }

    private static void close(JsonParser parser) {
        try {
            parser.close();
        } catch (IOException e) {
            // A parser over a String holds no resource that could fail to close.
        }
    }

    /**
     * Writes a payload as JSON.
     *
     * @param payload the object to write
     * @return its JSON
     * @throws IllegalArgumentException if Jackson cannot serialize it
     */
    @Override
    public String write(Object payload) {
        Objects.requireNonNull(payload, "payload must not be null");
        try {
            return mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + payload.getClass().getName() + " as JSON", e);
        }
    }

    /** @return the read limits in force, for tests and diagnostics */
    StreamReadConstraints constraints() {
        return constraints;
    }

    /** Builds a {@link JsonPayloads}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private ObjectMapper objectMapper;
        private boolean objectMapperRejected;
        private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
        private int maxNumberLength = DEFAULT_MAX_NUMBER_LENGTH;
        private int maxStringLength = DEFAULT_MAX_STRING_LENGTH;
        private long maxDocumentLength = DEFAULT_MAX_DOCUMENT_LENGTH;

        private Builder() {
        }

        /**
         * The mapper to bind with: its modules, naming strategy and deserialization features are kept. It is copied
         * at {@link #build()} and the copy hardened (no class-name type ids, no default typing, the read limits of
         * this builder, no source in error locations); the mapper you pass is never changed. Default: a new
         * {@link JsonMapper} that ignores unknown properties.
         *
         * @param objectMapper the mapper to copy
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = objectMapper;
            this.objectMapperRejected = objectMapper == null;
            return this;
        }

        /**
         * How deep arrays and objects may nest. Default {@value #DEFAULT_MAX_NESTING_DEPTH}.
         *
         * @param maxNestingDepth at least 1
         * @return this builder
         */
        public Builder maxNestingDepth(int maxNestingDepth) {
            this.maxNestingDepth = maxNestingDepth;
            return this;
        }

        /**
         * The longest number, in characters. Default {@value #DEFAULT_MAX_NUMBER_LENGTH}.
         *
         * @param maxNumberLength at least 1
         * @return this builder
         */
        public Builder maxNumberLength(int maxNumberLength) {
            this.maxNumberLength = maxNumberLength;
            return this;
        }

        /**
         * The longest string value, in characters. Default {@value #DEFAULT_MAX_STRING_LENGTH}.
         *
         * @param maxStringLength at least 1
         * @return this builder
         */
        public Builder maxStringLength(int maxStringLength) {
            this.maxStringLength = maxStringLength;
            return this;
        }

        /**
         * The longest body, in characters. Default {@value #DEFAULT_MAX_DOCUMENT_LENGTH}, SQS's largest message.
         *
         * @param maxDocumentLength at least 1
         * @return this builder
         */
        public Builder maxDocumentLength(long maxDocumentLength) {
            this.maxDocumentLength = maxDocumentLength;
            return this;
        }

        /**
         * @return the reader and writer
         * @throws InvalidConfigurationException naming the first field it rejects
         */
        public JsonPayloads build() {
            require(!objectMapperRejected, "objectMapper", "must not be null (leave it unset for the default)");
            require(maxNestingDepth >= 1, "maxNestingDepth", "(" + maxNestingDepth + ") must be at least 1");
            require(maxNumberLength >= 1, "maxNumberLength", "(" + maxNumberLength + ") must be at least 1");
            require(maxStringLength >= 1, "maxStringLength", "(" + maxStringLength + ") must be at least 1");
            require(maxDocumentLength >= 1, "maxDocumentLength", "(" + maxDocumentLength + ") must be at least 1");
            StreamReadConstraints constraints = StreamReadConstraints.builder()
                    .maxNestingDepth(maxNestingDepth)
                    .maxNumberLength(maxNumberLength)
                    .maxStringLength(maxStringLength)
                    .maxDocumentLength(maxDocumentLength)
                    .build();
            ObjectMapper mapper;
            if (objectMapper != null) {
                // copy() copies the factory too, so the limits set here never reach the user's mapper.
                mapper = objectMapper.copy();
                mapper.getFactory().setStreamReadConstraints(constraints);
                mapper.getFactory().configure(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION.mappedFeature(), false);
            } else {
                mapper = JsonMapper.builder(JsonFactory.builder()
                                .streamReadConstraints(constraints)
                                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                                .build())
                        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .build();
            }
            mapper.deactivateDefaultTyping();
            mapper.setPolymorphicTypeValidator(NoClassNameTypeIds.INSTANCE);
            return new JsonPayloads(mapper, constraints);
        }

        private static void require(boolean condition, String field, String problem) {
            if (!condition) {
                throw InvalidConfigurationException.of(field, problem);
            }
        }
    }
}
