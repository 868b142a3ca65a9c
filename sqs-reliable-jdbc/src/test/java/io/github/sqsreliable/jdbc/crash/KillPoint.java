package io.github.sqsreliable.jdbc.crash;

/**
 * Where a child of {@link JdbcCrashIT} sends itself SIGKILL. Each point is passed many times in a child's life (once
 * per message, per receive batch, or per delete call); the child dies on the pass it was given.
 */
enum KillPoint {

    /**
     * In the handler, after its INSERT: with the JDBC store inside the transaction, before the commit; with the Redis
     * store the INSERT has already committed (autocommit), and the key is not yet completed.
     */
    AFTER_EFFECT("after effect"),
    /**
     * With the JDBC store, as soon as the transaction's {@code commit()} returned (the effect and its completion
     * record committed; a proxy of the store's data source), before the handler returned and the message was
     * deleted. With the Redis store, as the handler returns: after the effect, before the key's completion and the
     * delete.
     */
    AFTER_COMMIT("after commit"),
    /** After the store answered a receive batch's acquire: the keys are leased, no handler has started. */
    DURING_ACQUIRE("during acquire"),
    /** After SQS received a DeleteMessageBatch (or DeleteMessage), before its answer was read. */
    DURING_DELETE("during delete");

    private final String label;

    KillPoint(String label) {
        this.label = label;
    }

    /** @return a short name for the report */
    String label() {
        return label;
    }
}
