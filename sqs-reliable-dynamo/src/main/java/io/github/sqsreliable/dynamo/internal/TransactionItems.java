package io.github.sqsreliable.dynamo.internal;

import io.github.sqsreliable.dynamo.DynamoDbTransaction;
import io.github.sqsreliable.retry.PermanentFailureException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** The items one handler call adds; closed when the call returns, so that a leaked reference cannot add late. */
final class TransactionItems implements DynamoDbTransaction {

    private final List<TransactWriteItem> items = new ArrayList<>();
    private boolean closed;

    @Override
    public DynamoDbTransaction add(TransactWriteItem item) {
        Objects.requireNonNull(item, "item");
        if (closed) {
            throw new IllegalStateException("the handler call that was given this transaction has returned: items "
                    + "must be added during the call");
        }
        if (items.size() == MAX_ITEMS) {
            throw new PermanentFailureException("a transactional handler may add at most " + MAX_ITEMS + " items: "
                    + "DynamoDB's TransactWriteItems takes 100, and the message's idempotency record is one of them");
        }
        items.add(item);
        return this;
    }

    @Override
    public int size() {
        return items.size();
    }

    /** Ends the handler call: no more items can be added. */
    void close() {
        closed = true;
    }

    /** @return the items added, in order */
    List<TransactWriteItem> items() {
        return List.copyOf(items);
    }

    @Override
    public String toString() {
        return "DynamoDbTransaction[" + items.size() + " items" + (closed ? ", closed]" : "]");
    }
}
