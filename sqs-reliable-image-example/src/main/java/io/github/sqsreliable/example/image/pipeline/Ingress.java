package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.example.image.imaging.ImageFormat;
import io.github.sqsreliable.example.image.imaging.ImageProcessor;
import io.github.sqsreliable.example.image.imaging.UnsupportedImageException;
import io.github.sqsreliable.example.image.storage.BlobKeys;
import io.github.sqsreliable.example.image.storage.BlobStore;
import io.github.sqsreliable.example.image.tracing.PipelineTracing;
import io.github.sqsreliable.publish.OutgoingMessage;
import io.github.sqsreliable.publish.SqsPublisher;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The front door (the seeds' API Gateway → SQS): checks an upload, stores the original, records it as
 * {@link ImageStatus#QUEUED} and sends a {@link ResizeRequest} to the FIFO resize queue. Bad uploads are
 * refused with an {@link UploadRejectedException} and nothing is stored or queued.
 *
 * <p>One user's uploads are numbered and queued under a per-user lock, so their order in the FIFO group is
 * the order of their numbers; different users do not wait for each other.
 */
public final class Ingress {

    /** The default largest upload: {@value} bytes (20 MiB). */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 20L * 1024 * 1024;

    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final SqsPublisher publisher;
    private final PipelineTracing tracing;
    private final String resizeQueueUrl;
    private final BlobStore blobs;
    private final StatusBoard board;
    private final long maxUploadBytes;
    private final Clock clock;
    private final Map<String, UserSequence> sequences = new ConcurrentHashMap<>();

    /**
     * @param publisher sends to the resize queue; not closed here
     * @param resizeQueueUrl the FIFO resize queue
     * @param blobs where originals go
     * @param board where statuses go; earlier uploads there continue each user's numbering
     * @param maxUploadBytes the largest upload accepted
     * @param clock the time source for upload times
     */
    public Ingress(SqsPublisher publisher, String resizeQueueUrl, BlobStore blobs, StatusBoard board,
            long maxUploadBytes, Clock clock) {
        this(publisher, resizeQueueUrl, blobs, board, maxUploadBytes, clock, PipelineTracing.off());
    }

    /**
     * @param publisher sends to the resize queue; not closed here
     * @param resizeQueueUrl the FIFO resize queue
     * @param blobs where originals go
     * @param board where statuses go; earlier uploads there continue each user's numbering
     * @param maxUploadBytes the largest upload accepted
     * @param clock the time source for upload times
     * @param tracing opens each upload's trace
     */
    public Ingress(SqsPublisher publisher, String resizeQueueUrl, BlobStore blobs, StatusBoard board,
            long maxUploadBytes, Clock clock, PipelineTracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.resizeQueueUrl = Objects.requireNonNull(resizeQueueUrl, "resizeQueueUrl");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.board = Objects.requireNonNull(board, "board");
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("maxUploadBytes must be positive: " + maxUploadBytes);
        }
        this.maxUploadBytes = maxUploadBytes;
        this.clock = Objects.requireNonNull(clock, "clock");
        for (ImageRecord record : board.all()) {
            sequences.computeIfAbsent(record.userId(), user -> new UserSequence()).atLeast(record.sequence());
        }
    }

    /** The largest upload accepted, in bytes. */
    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    /**
     * Accepts an upload.
     *
     * @param userId the uploading user: 1 to 64 letters, digits, {@code _} or {@code -}
     * @param bytes the image bytes
     * @return the new record, {@link ImageStatus#QUEUED}
     * @throws UploadRejectedException 400 for a missing or invalid user or an empty body, 413 for a body over
     *     {@link #maxUploadBytes()}, 415 for bytes that are not a supported image format
     * @throws IllegalStateException if the original was stored but could not be queued (the record says
     *     {@link ImageStatus#FAILED} with the reason)
     */
    public ImageRecord accept(String userId, byte[] bytes) {
        if (userId == null || userId.isBlank()) {
            throw new UploadRejectedException(400, "missing user id: pass ?user=<id> or the X-User-Id header");
        }
        if (!USER_ID.matcher(userId).matches()) {
            throw new UploadRejectedException(400,
                    "invalid user id: use 1 to 64 letters, digits, '_' or '-'");
        }
        if (bytes == null || bytes.length == 0) {
            throw new UploadRejectedException(400, "empty upload: the request body must be the image bytes");
        }
        if (bytes.length > maxUploadBytes) {
            throw new UploadRejectedException(413,
                    "upload too large: " + bytes.length + " bytes, the limit is " + maxUploadBytes);
        }
        ImageFormat format;
        try {
            format = ImageProcessor.detectFormat(bytes);
        } catch (UnsupportedImageException e) {
            throw new UploadRejectedException(415, e.reason() + "; supported: JPEG, PNG, GIF, BMP");
        }
        Objects.requireNonNull(format, "format");
        UserSequence sequence = sequences.computeIfAbsent(userId, user -> new UserSequence());
        synchronized (sequence) {
            String imageId = UUID.randomUUID().toString().replace("-", "");
            long number = sequence.next();
            String originalKey = BlobKeys.original(imageId);
            blobs.put(originalKey, bytes);
            ImageRecord record = ImageRecord.queued(imageId, userId, number, bytes.length, clock.instant());
            board.put(record);
            ResizeRequest request = new ResizeRequest(imageId, userId, number, originalKey);
            try {
                tracing.send(resizeQueueUrl, imageId, traceAttributes -> {
                    OutgoingMessage.Builder message = OutgoingMessage.builder()
                            .body(Json.write(request))
                            .messageGroupId(userId)
                            .deduplicationId(imageId);
                    traceAttributes.forEach(message::attribute);
                    return publisher.publish(resizeQueueUrl, message.build()).join();
                });
            } catch (CompletionException e) {
                String reason = "could not queue for resizing: " + e.getCause();
                board.put(record.failed(reason, clock.instant()));
                throw new IllegalStateException(reason, e.getCause());
            }
            return record;
        }
    }

    /** A user's upload counter; its monitor is the user's lock. */
    private static final class UserSequence {
        private long last;

        synchronized long next() {
            return ++last;
        }

        synchronized void atLeast(long value) {
            last = Math.max(last, value);
        }
    }
}
