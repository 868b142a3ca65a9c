package io.github.sqsreliable.example.image.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCatalogTest {

    @TempDir
    Path directory;

    @Test
    void countsEveryRecordSoThatDuplicatesShow() {
        LocalCatalog catalog = LocalCatalog.open(directory.resolve("catalog.jsonl"));
        catalog.record(entry("a"));
        catalog.record(entry("b"));
        catalog.record(entry("a"));

        assertThat(catalog.rowsById()).hasSize(2);
        assertThat(catalog.row("a").orElseThrow().timesRecorded()).isEqualTo(2);
        assertThat(catalog.row("b").orElseThrow().timesRecorded()).isEqualTo(1);
        assertThat(catalog.row("c")).isEmpty();
    }

    @Test
    void survivesReopeningAndIgnoresALineCutShortByACrash() throws Exception {
        Path file = directory.resolve("catalog.jsonl");
        LocalCatalog.open(file).record(entry("a"));
        Files.writeString(file, "{\"imageId\":\"b\",\"userId\":", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        LocalCatalog reopened = LocalCatalog.open(file);
        assertThat(reopened.rows()).extracting(row -> row.entry().imageId()).containsExactly("a");
    }

    private static CatalogEntry entry(String id) {
        return new CatalogEntry(id, "user", 1, "PNG", 10, 20, Map.of("small", "variants/" + id + "/small.png"),
                Instant.parse("2026-11-23T10:00:00Z"));
    }
}
