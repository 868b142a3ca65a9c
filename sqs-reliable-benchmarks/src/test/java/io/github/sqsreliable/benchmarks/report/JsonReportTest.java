package io.github.sqsreliable.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonReportTest {

    @TempDir
    Path dir;

    @Test
    void writesTheWholeRunAsJsonThatParsesBack() throws Exception {
        Path file = dir.resolve("out/results.json");

        JsonReport.write(TestRuns.typical(), file);

        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertThat(json.get("startedAt").asText()).isEqualTo("2025-03-04T05:06:07Z");
        assertThat(json.get("mode").asText()).isEqualTo("quick");
        assertThat(json.get("environment").get("cores").asText()).isEqualTo("2");
        assertThat(json.get("baselineId").asText()).isEqualTo("raw-crt");
        assertThat(json.get("targets").get("C >= 0.9x ideal").asBoolean()).isFalse();
        assertThat(json.get("baselines")).hasSize(2);
        assertThat(json.get("scenarios")).hasSize(3);
        JsonNode a = json.get("scenarios").get(0);
        assertThat(a.get("id").asText()).isEqualTo("A");
        assertThat(a.get("messagesPerSecond")).hasSize(3);
        assertThat(a.get("sqsRequestsPerMessage").get("ReceiveMessage").asDouble()).isEqualTo(0.1);
        assertThat(a.get("orderViolations").asLong()).isEqualTo(-1);
        assertThat(a.get("notes").get(0).asText()).isEqualTo("prefetch 2 batches");
    }

    @Test
    void includesTheComputedFiguresOfEachRow() throws Exception {
        JsonNode a = new ObjectMapper().readTree(JsonReport.toJson(TestRuns.typical())).get("scenarios").get(0);

        assertThat(a.get("median").asDouble()).isEqualTo(10300.0);
        assertThat(a.get("min").asDouble()).isEqualTo(10100.0);
        assertThat(a.get("max").asDouble()).isEqualTo(10600.0);
        assertThat(a.get("sqsRequestsPerMessageTotal").asDouble()).isCloseTo(0.21, within(1e-9));
    }

    @Test
    void writesNaNAsNull() throws Exception {
        String text = JsonReport.toJson(TestRuns.typical());

        JsonNode json = new ObjectMapper().readTree(text);
        JsonNode rawApache = json.get("baselines").get(0);
        assertThat(rawApache.get("ratio").isNull()).isTrue();
        assertThat(rawApache.get("idealMessagesPerSecond").isNull()).isTrue();
        assertThat(rawApache.get("baselineId").isNull()).isTrue();
        assertThat(json.get("scenarios").get(2).get("receiveToHandlerP99Millis").isNull()).isTrue();
        assertThat(text).doesNotContain("NaN");
    }

    @Test
    void isPrettyPrinted() throws Exception {
        assertThat(JsonReport.toJson(TestRuns.typical())).contains("\n  \"mode\" : \"quick\"");
    }

    @Test
    void replacesAnExistingFile() throws Exception {
        Path file = dir.resolve("results.json");
        Files.writeString(file, "old");

        JsonReport.write(TestRuns.typical(), file);

        assertThat(Files.readString(file)).startsWith("{");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }
}
