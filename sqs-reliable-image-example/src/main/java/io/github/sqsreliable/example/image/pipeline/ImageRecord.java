package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.example.image.imaging.ImageMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the pipeline knows about one uploaded image: the row behind {@code GET /images/{id}}, the gallery and
 * the demo's report. Immutable; stages replace it with {@code with...} copies.
 *
 * @param id the image id handed out by the API (also the SQS deduplication id and the idempotency key)
 * @param userId the uploading user (also the FIFO message group)
 * @param sequence the user's upload number, 1, 2, 3... in the order the API accepted them
 * @param sizeBytes the size of the original
 * @param status where the image is
 * @param failureReason why it failed, when {@link ImageStatus#FAILED}
 * @param attempts how many times a stage's handler failed on it and was retried (0 when it never failed)
 * @param duplicatesSkipped how many catalog messages for it the idempotency store recognised as duplicates
 * @param uploadedAt when the API accepted it
 * @param resizedAt when stage 1 finished it, or {@code null}
 * @param finishedAt when it became {@link ImageStatus#DONE} or {@link ImageStatus#FAILED}, or {@code null}
 * @param variants variant name to blob key, once resized
 * @param metadata what the decoder learned, once resized
 */
public record ImageRecord(
        String id,
        String userId,
        long sequence,
        long sizeBytes,
        ImageStatus status,
        String failureReason,
        int attempts,
        int duplicatesSkipped,
        Instant uploadedAt,
        Instant resizedAt,
        Instant finishedAt,
        Map<String, String> variants,
        ImageMetadata metadata) {

    /** Validates and copies the components. */
    public ImageRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(uploadedAt, "uploadedAt");
        variants = variants == null ? Map.of() : Map.copyOf(variants);
    }

    /** A new record for an image the API just accepted. */
    public static ImageRecord queued(String id, String userId, long sequence, long sizeBytes, Instant uploadedAt) {
        return new ImageRecord(id, userId, sequence, sizeBytes, ImageStatus.QUEUED, null, 0, 0, uploadedAt, null, null,
                Map.of(), null);
    }

    /** A copy with another status. */
    public ImageRecord withStatus(ImageStatus newStatus) {
        return new ImageRecord(id, userId, sequence, sizeBytes, newStatus, failureReason, attempts, duplicatesSkipped, uploadedAt,
                resizedAt, finishedAt, variants, metadata);
    }

    /** A copy marked resized, with its variants and metadata. */
    public ImageRecord resized(Map<String, String> newVariants, ImageMetadata newMetadata, Instant at) {
        return new ImageRecord(id, userId, sequence, sizeBytes, ImageStatus.RESIZED, null, attempts, duplicatesSkipped, uploadedAt, at,
                null, newVariants, newMetadata);
    }

    /** A copy marked done. */
    public ImageRecord done(Instant at) {
        return new ImageRecord(id, userId, sequence, sizeBytes, ImageStatus.DONE, null, attempts, duplicatesSkipped, uploadedAt,
                resizedAt, at, variants, metadata);
    }

    /** A copy marked failed for {@code reason}. */
    public ImageRecord failed(String reason, Instant at) {
        return new ImageRecord(id, userId, sequence, sizeBytes, ImageStatus.FAILED, reason, attempts, duplicatesSkipped, uploadedAt,
                resizedAt, at, variants, metadata);
    }

    /** A copy with one more retried attempt. */
    public ImageRecord retried() {
        return new ImageRecord(id, userId, sequence, sizeBytes, status, failureReason, attempts + 1, duplicatesSkipped, uploadedAt,
                resizedAt, finishedAt, variants, metadata);
    }

    /** A copy with one more duplicate skipped. */
    public ImageRecord duplicateSkipped() {
        return new ImageRecord(id, userId, sequence, sizeBytes, status, failureReason, attempts, duplicatesSkipped + 1,
                uploadedAt, resizedAt, finishedAt, variants, metadata);
    }

    /** Upload-to-finish latency, once finished. */
    public Optional<Duration> latency() {
        return finishedAt == null ? Optional.empty() : Optional.of(Duration.between(uploadedAt, finishedAt));
    }
}
