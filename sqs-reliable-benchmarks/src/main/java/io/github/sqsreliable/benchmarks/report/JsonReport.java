package io.github.sqsreliable.benchmarks.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Writes a {@link BenchmarkRun} as pretty-printed JSON, for tools and for comparing runs.
 *
 * <p>Every row also carries its computed {@code median}, {@code min}, {@code max} and
 * {@code sqsRequestsPerMessageTotal}. Missing figures ({@code NaN}, and infinities) are written as {@code null},
 * since JSON has no NaN. {@code startedAt} is an ISO-8601 string. Stateless and thread-safe.
 */
public final class JsonReport {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("benchmark-report")
                    .addSerializer(Double.class, new NullForNaN())
                    .addSerializer(Double.TYPE, new NullForNaN())
                    // No jsr310 module on purpose: ISO-8601 text is all a report needs.
                    .addSerializer(Instant.class, ToStringSerializer.instance))
            .addMixIn(ScenarioResult.class, ScenarioResultJson.class)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    /**
     * Writes {@code run} to {@code file} (replacing it atomically), creating parent directories.
     *
     * @throws IOException if the file cannot be written
     */
    public static void write(BenchmarkRun run, Path file) throws IOException {
        AtomicFiles.write(file, toJson(run) + System.lineSeparator());
    }

    /** The JSON that {@link #write} writes. */
    static String toJson(BenchmarkRun run) throws IOException {
        return MAPPER.writeValueAsString(run);
    }

    /** Adds the computed figures to each row, next to the figures they come from. */
    @JsonPropertyOrder({
        "id", "title", "messagesPerRun", "messagesPerSecond", "median", "min", "max", "baselineId", "ratio",
        "idealMessagesPerSecond", "sqsRequestsPerMessage", "sqsRequestsPerMessageTotal"
    })
    private abstract static class ScenarioResultJson {
        @JsonProperty("median")
        abstract double median();

        @JsonProperty("min")
        abstract double min();

        @JsonProperty("max")
        abstract double max();

        @JsonProperty("sqsRequestsPerMessageTotal")
        abstract double sqsRequestsPerMessageTotal();
    }

    /** Jackson would write NaN as a bare token or a string; both break consumers that expect a number. */
    private static final class NullForNaN extends StdSerializer<Double> {
        private static final long serialVersionUID = 1L;

        NullForNaN() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value.isNaN() || value.isInfinite()) {
                gen.writeNull();
            } else {
                gen.writeNumber(value);
            }
        }
    }
}
