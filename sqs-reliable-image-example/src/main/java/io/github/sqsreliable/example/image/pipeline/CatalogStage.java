package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.example.image.catalog.Catalog;
import io.github.sqsreliable.example.image.catalog.CatalogEntry;
import io.github.sqsreliable.retry.PermanentFailureException;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2, on the standard catalog queue: records a resized image in the {@link Catalog} and marks it done.
 * The catalog counts every write, so this handler relies on the consumer's idempotency (keyed by image id) to
 * run once per image, however often its message is delivered or sent. One window is left to the handler, as
 * the idempotency guide says: a worker that dies after recording and before its key is marked done. The next
 * holder of the key finds the row and does not record it again; the lease makes that check safe.
 *
 * <p>The PostgreSQL catalog needs no such check: there {@link TransactionalCatalogStage} writes the row in one
 * transaction with the key's completion, which closes the window.
 */
public final class CatalogStage implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogStage.class);

    private final Catalog catalog;
    private final StatusBoard board;
    private final Clock clock;

    /**
     * @param catalog where images are recorded (writes may be throttled by fault injection)
     * @param board status records
     * @param clock the time source
     */
    public CatalogStage(Catalog catalog, StatusBoard board, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.board = Objects.requireNonNull(board, "board");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The idempotency key of a catalog message: its image id. */
    public static String imageIdOf(SqsMessage message) {
        return Messages.read(message, CatalogRequest.class).imageId();
    }

    @Override
    public void handle(SqsMessage message) {
        ImageRecord record = resizedImage(board, message);
        if (catalog.row(record.id()).isPresent()) {
            // The idempotency lease lets only one handler at a time hold this image, so this check cannot race.
            // A row without a completed key means the previous holder died after recording and before the
            // consumer could mark the key done: finish its work instead of recording a second time.
            LOG.info("image {} is already in the catalog, recorded by a worker that stopped before completing it;"
                    + " not recording it again", record.id());
        } else {
            catalog.record(entryOf(record, clock));
        }
        board.update(record.id(), current -> current.done(clock.instant()));
    }

    /**
     * The status record of the image a catalog message names, checked to be resized.
     *
     * @throws PermanentFailureException if there is none, or the image was not resized
     */
    static ImageRecord resizedImage(StatusBoard board, SqsMessage message) {
        CatalogRequest request = Messages.read(message, CatalogRequest.class);
        ImageRecord record = board.get(request.imageId()).orElseThrow(() -> new PermanentFailureException(
                "unknown image " + request.imageId() + ": no status record"));
        if (record.metadata() == null) {
            throw new PermanentFailureException("image " + request.imageId() + " has no metadata: not resized");
        }
        return record;
    }

    /** The catalog entry of a resized image, recorded now. */
    static CatalogEntry entryOf(ImageRecord record, Clock clock) {
        return new CatalogEntry(record.id(), record.userId(), record.sequence(), record.metadata().format().name(),
                record.metadata().width(), record.metadata().height(), record.variants(), clock.instant());
    }
}
