package io.github.sqsreliable.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocsSectionTest {

    private static final String START = "<!-- benchmark-results:start -->";
    private static final String END = "<!-- benchmark-results:end -->";

    @TempDir
    Path dir;

    @Test
    void replacesOnlyTheTextBetweenTheMarkers() throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "# Benchmarks\n\nHow to run it.\n\n" + START + "\nold results\n\nmore old\n" + END
                + "\n\n## How to read the results\n\nRatios are medians.\n");

        DocsSection.replace(file, "## Results\n\nnew results\n");

        assertThat(Files.readString(file)).isEqualTo("# Benchmarks\n\nHow to run it.\n\n" + START
                + "\n## Results\n\nnew results\n" + END + "\n\n## How to read the results\n\nRatios are medians.\n");
    }

    @Test
    void createsAMissingFileWithTitleAndMarkers() throws Exception {
        Path file = dir.resolve("docs/benchmarks.md");

        DocsSection.replace(file, "results");

        assertThat(Files.readString(file)).isEqualTo("# Benchmarks\n\n" + START + "\nresults\n" + END + "\n");
    }

    @Test
    void appendsTheMarkersToAFileWithout() throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "# Our benchmarks\n\nWritten by hand.");

        DocsSection.replace(file, "results");

        assertThat(Files.readString(file))
                .isEqualTo("# Our benchmarks\n\nWritten by hand.\n\n" + START + "\nresults\n" + END + "\n");
    }

    @Test
    void replacingTwiceWithTheSameSectionIsIdempotent() throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "intro\n" + START + "\n" + END + "\noutro\n");
        DocsSection.replace(file, "first\n\n");
        String once = Files.readString(file);

        DocsSection.replace(file, "first\n\n");

        assertThat(Files.readString(file))
                .isEqualTo(once)
                .isEqualTo("intro\n" + START + "\nfirst\n" + END + "\noutro\n");
    }

    @Test
    void replacingAMissingFileTwiceIsIdempotent() throws Exception {
        Path file = dir.resolve("benchmarks.md");
        DocsSection.replace(file, "results");
        String once = Files.readString(file);

        DocsSection.replace(file, "results");

        assertThat(Files.readString(file)).isEqualTo(once);
    }

    @Test
    void keepsTheFilesWindowsLineEndings() throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "intro\r\n" + START + "\r\nold\r\n" + END + "\r\noutro\r\n");

        DocsSection.replace(file, "a\nb\n");

        assertThat(Files.readString(file)).isEqualTo("intro\r\n" + START + "\r\na\r\nb\r\n" + END + "\r\noutro\r\n");
    }

    @Test
    void refusesAStartMarkerWithoutAnEnd() throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "intro\n" + START + "\nhand-written text\n");

        assertThatThrownBy(() -> DocsSection.replace(file, "results"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(END);
        assertThat(Files.readString(file)).isEqualTo("intro\n" + START + "\nhand-written text\n");
    }

    @Test
    void refusesAnEndMarkerBeforeTheStart() throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, END + "\ntext\n" + START + "\n");

        assertThatThrownBy(() -> DocsSection.replace(file, "results")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void leavesNoTemporaryFileBehind() throws Exception {
        DocsSection.replace(dir.resolve("benchmarks.md"), "results");

        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("benchmarks.md"));
        }
    }
}
