package io.github.sqsreliable.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a generated section into a Markdown file between the lines {@value #START_MARKER} and
 * {@value #END_MARKER}, leaving the rest of the file as it is, so hand-written docs and generated results
 * share one page.
 *
 * <p>A missing file is created with the title {@code # Benchmarks} and the markers; a file without markers gets
 * them appended. The file is replaced atomically. Replacing with the same section again changes nothing.
 */
public final class DocsSection {

    /** The line before the generated section. */
    public static final String START_MARKER = "<!-- benchmark-results:start -->";
    /** The line after the generated section. */
    public static final String END_MARKER = "<!-- benchmark-results:end -->";

    private static final Pattern START_LINE = markerLine(START_MARKER);
    private static final Pattern END_LINE = markerLine(END_MARKER);

    private DocsSection() {}

    /**
     * Writes {@code section} between the markers in {@code markdownFile}, replacing what was there.
     *
     * @throws IOException if the file cannot be read or written
     * @throws IllegalStateException if the file has only one of the markers, or the end marker before the start,
     *     since guessing where the section ends could delete hand-written text
     */
    public static void replace(Path markdownFile, String section) throws IOException {
        Objects.requireNonNull(markdownFile, "markdownFile");
        Objects.requireNonNull(section, "section");
        String existing = Files.exists(markdownFile) ? Files.readString(markdownFile, StandardCharsets.UTF_8) : "";
        AtomicFiles.write(markdownFile, replaceIn(existing, section, markdownFile));
    }

    static String replaceIn(String text, String section, Path file) {
        // Match the file's line endings, so that the diff shows only the section's real changes.
        String newline = text.contains("\r\n") ? "\r\n" : "\n";
        String block = section.replace("\r\n", "\n").stripTrailing().replace("\n", newline) + newline;
        Matcher start = START_LINE.matcher(text);
        Matcher end = END_LINE.matcher(text);
        boolean hasStart = start.find();
        boolean hasEnd = hasStart ? end.find(start.end()) : end.find();
        if (!hasStart && !hasEnd) {
            return withMarkers(text, block, newline);
        }
        if (!hasStart || !hasEnd) {
            throw new IllegalStateException(file + " has " + (hasStart ? START_MARKER : END_MARKER)
                    + " without " + (hasStart ? END_MARKER + " after it" : START_MARKER + " before it")
                    + "; fix the markers by hand");
        }
        int sectionStart = text.startsWith("\r\n", start.end()) ? start.end() + 2 : start.end() + 1;
        return text.substring(0, sectionStart) + block + text.substring(end.start());
    }

    private static String withMarkers(String text, String block, String newline) {
        String markers = START_MARKER + newline + block + END_MARKER + newline;
        if (text.isBlank()) {
            return "# Benchmarks" + newline + newline + markers;
        }
        // Append after one blank line, without touching what the file already ends with.
        if (text.endsWith(newline + newline)) {
            return text + markers;
        }
        return text + (text.endsWith("\n") ? newline : newline + newline) + markers;
    }

    /** The marker alone on its line; spaces around it are tolerated, since editors add them. */
    private static Pattern markerLine(String marker) {
        return Pattern.compile("^[ \\t]*" + Pattern.quote(marker) + "[ \\t]*$", Pattern.MULTILINE);
    }
}
