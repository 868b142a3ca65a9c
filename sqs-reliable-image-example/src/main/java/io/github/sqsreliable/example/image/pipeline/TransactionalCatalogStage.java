package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.example.image.catalog.PostgresCatalog;
import io.github.sqsreliable.example.image.faults.FaultInjector;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;
import io.github.sqsreliable.jdbc.JdbcIdempotencyStore;
import io.github.sqsreliable.jdbc.JdbcTransactionalHandler;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;

/**
 * Stage 2 on the PostgreSQL catalog: the catalog write runs in the transaction of
 * {@link JdbcIdempotencyStore#transactional}, which commits it together with the message's idempotency record. After
 * a crash there is either both or neither, so unlike {@link CatalogStage} this stage does not look for a row left
 * by a worker that died before completing its key: there can be none.
 *
 * <p>The crash switch of fault injection ({@link FaultInjector.CrashPoint#IN_CATALOG_TRANSACTION}) sits right after
 * the write, before the commit: the JVM halts with the row written and not committed, and PostgreSQL rolls it back.
 *
 * <p>The image's status is marked done inside the transaction too, before the commit, because after a commit the
 * message's redelivery is skipped as a duplicate and would never mark it. The status file is not part of the
 * transaction: after a rollback (a crash, a lost lease) the image shows done until the redelivery records its row.
 * Thread-safe.
 */
public final class TransactionalCatalogStage implements JdbcTransactionalHandler {

    private final PostgresCatalog catalog;
    private final StatusBoard board;
    private final FaultInjector faults;
    private final Clock clock;

    private TransactionalCatalogStage(PostgresCatalog catalog, StatusBoard board, FaultInjector faults, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.board = Objects.requireNonNull(board, "board");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The catalog consumer's handler: this stage in {@code store}'s transactional mode. Give the consumer
     * {@code store} as its idempotency store.
     *
     * @param store the idempotency store, on the same database as {@code catalog}
     * @param catalog where images are recorded
     * @param board status records
     * @param faults throttled catalog writes and the crash switch
     * @param clock the time source
     */
    public static KeyCompletingHandler handler(JdbcIdempotencyStore store, PostgresCatalog catalog, StatusBoard board,
            FaultInjector faults, Clock clock) {
        return store.transactional(new TransactionalCatalogStage(catalog, board, faults, clock));
    }

    @Override
    public void handle(SqsMessage message, Connection connection) throws SQLException {
        ImageRecord record = CatalogStage.resizedImage(board, message);
        faults.maybeThrottle("catalog record " + record.id());
        catalog.record(CatalogStage.entryOf(record, clock), connection);
        faults.countAndMaybeCrash(FaultInjector.CrashPoint.IN_CATALOG_TRANSACTION, "inside the catalog transaction of"
                + " image " + record.id() + ", after its catalog write and before the commit");
        board.update(record.id(), current -> current.done(clock.instant()));
    }
}
