package io.github.sqsreliable.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No class of core's main sources uses Java deserialization, which turns bytes into objects of classes the bytes
 * choose: message bodies come from anyone who may send to the queue.
 */
class NoJavaDeserializationTest {

    private static final Pattern JAVA_DESERIALIZATION = Pattern.compile(
            "ObjectInputStream|\\.readObject\\s*\\(|\\.readUnshared\\s*\\(|XMLDecoder|SerializationUtils");

    @Test
    void noMainSourceReadsJavaSerializedObjects() throws IOException {
        Path sources = Paths.get("src/main/java");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(path -> path.toString().endsWith(".java")).collect(Collectors.toList());
        }

        List<String> offenders = files.stream()
                .filter(path -> JAVA_DESERIALIZATION.matcher(read(path)).find())
                .map(Path::toString)
                .collect(Collectors.toList());

        assertThat(files).as("core's main sources, read from %s", sources.toAbsolutePath()).hasSizeGreaterThan(100)
                .anyMatch(path -> path.endsWith(Paths.get("payload", "JsonPayloads.java")));
        assertThat(offenders).isEmpty();
    }

    @Test
    void thePatternFindsWhatItLooksFor() {
        assertThat(JAVA_DESERIALIZATION.matcher("new java.io.ObjectInputStream(in)").find()).isTrue();
        assertThat(JAVA_DESERIALIZATION.matcher("Object o = in.readObject ();").find()).isTrue();
        assertThat(JAVA_DESERIALIZATION.matcher("mapper.readValue(body, type)").find()).isFalse();
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
