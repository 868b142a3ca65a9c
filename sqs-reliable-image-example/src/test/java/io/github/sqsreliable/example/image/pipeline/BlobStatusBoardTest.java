package io.github.sqsreliable.example.image.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.imaging.ImageFormat;
import io.github.sqsreliable.example.image.imaging.ImageMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStatusBoardTest {

    @TempDir
    Path directory;

    @Test
    void recordsRoundTripThroughTheirFilesWithMetadata() {
        BlobStatusBoard board = BlobStatusBoard.open(directory);
        ImageRecord queued = ImageRecord.queued("abc", "alice", 3, 1234, Instant.parse("2026-11-23T10:00:00Z"));
        board.put(queued);
        ImageMetadata metadata = new ImageMetadata(ImageFormat.JPEG, 640, 480, Optional.of("Make"),
                Optional.empty(), Optional.of(LocalDateTime.of(2024, 5, 17, 10, 30)), OptionalInt.of(6));
        board.update("abc", r -> r.resized(Map.of("small", "variants/abc/small.png"), metadata,
                Instant.parse("2026-11-23T10:00:01Z")));

        ImageRecord read = BlobStatusBoard.open(directory).get("abc").orElseThrow();
        assertThat(read.status()).isEqualTo(ImageStatus.RESIZED);
        assertThat(read.metadata()).isEqualTo(metadata);
        assertThat(read.variants()).containsEntry("small", "variants/abc/small.png");
        assertThat(read.sequence()).isEqualTo(3);
    }

    @Test
    void concurrentUpdatesOfOneImageAreNotLost() throws Exception {
        BlobStatusBoard board = BlobStatusBoard.open(directory);
        board.put(ImageRecord.queued("img", "bob", 1, 1, Instant.now()));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 200; i++) {
            pool.execute(() -> board.update("img", ImageRecord::retried));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(board.get("img").orElseThrow().attempts()).isEqualTo(200);
    }

    @Test
    void unknownAndUnsafeIdsAreAbsentAndListIsInUploadOrder() throws Exception {
        BlobStatusBoard board = BlobStatusBoard.open(directory);
        board.put(ImageRecord.queued("second", "u", 2, 1, Instant.parse("2026-11-23T10:00:02Z")));
        board.put(ImageRecord.queued("first", "u", 1, 1, Instant.parse("2026-11-23T10:00:01Z")));
        assertThat(board.get("nope")).isEmpty();
        assertThat(board.get("../etc/passwd")).isEmpty();
        assertThat(board.update("nope", ImageRecord::retried)).isEmpty();
        assertThat(board.all()).extracting(ImageRecord::id).containsExactly("first", "second");
        try (var files = Files.list(directory)) {
            assertThat(files.filter(f -> f.toString().endsWith(".tmp"))).isEmpty();
        }
    }
}
