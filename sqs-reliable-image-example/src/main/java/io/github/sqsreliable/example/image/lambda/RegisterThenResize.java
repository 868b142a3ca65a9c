package io.github.sqsreliable.example.image.lambda;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.chain.ChainHandler;
import io.github.sqsreliable.chain.NextMessages;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.Messages;
import io.github.sqsreliable.example.image.pipeline.ResizeRequest;
import io.github.sqsreliable.example.image.pipeline.ResizeStage;
import io.github.sqsreliable.example.image.pipeline.StatusBoard;
import io.github.sqsreliable.example.image.storage.BlobStore;
import io.github.sqsreliable.example.image.storage.InvalidBlobKeyException;
import io.github.sqsreliable.retry.PermanentFailureException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The resize function's handler: in the Lambda form the API sends the request straight to the queue, so nothing
 * has written the image's status record yet. This registers it as queued (sent at the message's SentTimestamp,
 * with the original's size, 0 if the original is missing) unless it exists, then runs the {@link ResizeStage},
 * which dead-letters a request whose original is missing. Registering is idempotent: a redelivery finds the
 * record and leaves it as the stage left it.
 */
final class RegisterThenResize implements ChainHandler {

    private final ResizeStage stage;
    private final BlobStore blobs;
    private final StatusBoard board;
    private final Clock clock;

    RegisterThenResize(ResizeStage stage, BlobStore blobs, StatusBoard board, Clock clock) {
        this.stage = Objects.requireNonNull(stage, "stage");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.board = Objects.requireNonNull(board, "board");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void handle(SqsMessage message, NextMessages next) {
        ResizeRequest request = Messages.read(message, ResizeRequest.class);
        if (request.imageId() == null || request.userId() == null || request.originalKey() == null) {
            throw new PermanentFailureException("incomplete resize request: " + request);
        }
        if (board.get(request.imageId()).isEmpty()) {
            long size;
            try {
                size = blobs.size(request.originalKey()).orElse(0);
            } catch (InvalidBlobKeyException e) {
                throw new PermanentFailureException(e.getMessage(), e);
            }
            Instant sent = message.sentTimestamp().orElseGet(clock::instant);
            board.put(ImageRecord.queued(request.imageId(), request.userId(), request.sequence(), size, sent));
        }
        stage.handle(message, next);
    }
}
