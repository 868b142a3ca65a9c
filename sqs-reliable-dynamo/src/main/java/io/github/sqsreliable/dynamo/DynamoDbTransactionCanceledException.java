package io.github.sqsreliable.dynamo;

import io.github.sqsreliable.SqsReliableException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Thrown by a {@link DynamoDbIdempotencyStore#transactional transactional handler} when DynamoDB cancelled its
 * message's transaction because a condition of one of the handler's own items failed: a business rule (an order
 * that already exists, a balance too low) or an optimistic lock. Nothing was written, the idempotency record
 * included; its message says which items and why.
 *
 * <p>What happens to the message is the consumer's {@code ErrorClassifier}'s decision: the library cannot tell a
 * rule that will fail on every delivery from a version check that a retry will pass. The cause is the SDK's
 * {@link TransactionCanceledException}, a 400 that the SDK does not retry, so by default the message is
 * <em>permanent</em>ly failed (dead-lettered). To retry instead, add a rule, e.g.
 * {@code ErrorClassifier.builder().transientWhen(e -> e instanceof DynamoDbTransactionCanceledException c
 * && c.failedItems().contains(0))}.
 *
 * <p>Cancellations for other reasons are not this exception: a condition of the record fails with
 * {@link io.github.sqsreliable.idempotency.KeyTakenOverException}; conflicts and throttling with a
 * {@link io.github.sqsreliable.retry.TransientFailureException}; validation errors with a
 * {@link io.github.sqsreliable.retry.PermanentFailureException}.
 */
public class DynamoDbTransactionCanceledException extends SqsReliableException {

    private static final long serialVersionUID = 1L;

    /** The handler's items' reasons, in the order the handler added them (a serializable copy). */
    private final ArrayList<CancellationReason> reasons;

    /**
     * @param description what was cancelled, for the message: e.g. the message id
     * @param reasons one reason per item the handler added, in order (code {@code None} for items that did not fail)
     * @param cause DynamoDB's answer
     */
    public DynamoDbTransactionCanceledException(String description, List<CancellationReason> reasons,
                                                TransactionCanceledException cause) {
        super(description + ": " + failures(reasons) + "; nothing was written", cause);
        this.reasons = new ArrayList<>(reasons);
    }

    /** @return one reason per item the handler added, in the order it added them */
    public List<CancellationReason> reasons() {
        return List.copyOf(reasons);
    }

    /** @return the indexes, counted from 0 in the order the handler added its items, of the items whose condition failed */
    public List<Integer> failedItems() {
        return IntStream.range(0, reasons.size()).filter(i -> failed(reasons.get(i))).boxed().toList();
    }

    private static boolean failed(CancellationReason reason) {
        return reason.code() != null && !"None".equals(reason.code());
    }

    private static String failures(List<CancellationReason> reasons) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < reasons.size(); i++) {
            CancellationReason reason = reasons.get(i);
            if (failed(reason)) {
                failures.add("the handler's item " + i + " failed with " + reason.code()
                        + (reason.message() == null ? "" : " (" + reason.message() + ")"));
            }
        }
        return "DynamoDB cancelled the transaction: " + String.join(", ", failures);
    }
}
