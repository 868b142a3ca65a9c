package io.github.sqsreliable.dynamo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.dynamo.DynamoDbTransaction;
import io.github.sqsreliable.retry.PermanentFailureException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

class TransactionItemsTest {

    private static final Map<String, AttributeValue> KEY = Map.of("id", AttributeValue.fromS("order-1"));

    private static Put put(int i) {
        return Put.builder().tableName("orders").item(Map.of("id", AttributeValue.fromS("order-" + i))).build();
    }

    @Test
    void keepsEachKindOfItemInTheOrderAdded() {
        TransactionItems items = new TransactionItems();

        items.put(put(1))
                .update(Update.builder().tableName("orders").key(KEY).updateExpression("SET a = :a").build())
                .delete(Delete.builder().tableName("orders").key(KEY).build())
                .conditionCheck(ConditionCheck.builder().tableName("orders").key(KEY)
                        .conditionExpression("attribute_exists(id)").build())
                .add(TransactWriteItem.builder().put(put(2)).build());

        assertThat(items.size()).isEqualTo(5);
        assertThat(items.items()).satisfiesExactly(
                item -> assertThat(item.put()).isEqualTo(put(1)),
                item -> assertThat(item.update().updateExpression()).isEqualTo("SET a = :a"),
                item -> assertThat(item.delete().key()).isEqualTo(KEY),
                item -> assertThat(item.conditionCheck().conditionExpression()).isEqualTo("attribute_exists(id)"),
                item -> assertThat(item.put()).isEqualTo(put(2)));
    }

    @Test
    void takesNinetyNineItemsAndRefusesTheHundredthAsPermanent() {
        TransactionItems items = new TransactionItems();
        for (int i = 0; i < 99; i++) {
            items.put(put(i));
        }

        assertThat(items.size()).isEqualTo(DynamoDbTransaction.MAX_ITEMS).isEqualTo(99);
        assertThatThrownBy(() -> items.put(put(99)))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("a transactional handler may add at most 99 items: DynamoDB's TransactWriteItems takes "
                        + "100, and the message's idempotency record is one of them");
        assertThat(items.items()).hasSize(99);
    }

    @Test
    void refusesItemsOnceTheHandlerCallReturned() {
        TransactionItems items = new TransactionItems();
        items.put(put(1));
        items.close();

        assertThatThrownBy(() -> items.put(put(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has returned");
        assertThat(items.items()).hasSize(1);
    }

    @Test
    void refusesNulls() {
        TransactionItems items = new TransactionItems();

        assertThatThrownBy(() -> items.add(null)).isInstanceOf(NullPointerException.class).hasMessage("item");
        assertThatThrownBy(() -> items.put(null)).isInstanceOf(NullPointerException.class).hasMessage("put");
        assertThat(items.size()).isZero();
    }
}
