package io.github.sqsreliable.dynamo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

class StoreRequestsTest {

    private static final ItemLayout LAYOUT = new ItemLayout("table", "id", "status", "token", "expiresAt", "ttl",
            "payloadHash");
    private static final long NOW = 1_700_000_000_123L;
    private static final FencingToken TOKEN = new FencingToken("t-1");

    private final StoreRequests requests = new StoreRequests(LAYOUT, false, Duration.ofMinutes(10));

    @Test
    void acquireIsAPutConditionalOnTheKeyBeingFreeThatReturnsTheItemWhenRefused() {
        PutItemRequest put = requests.acquire(new AcquireRequest("k", Duration.ofSeconds(30), "h"), TOKEN, NOW);

        assertThat(put.tableName()).isEqualTo("table");
        assertThat(put.conditionExpression()).isEqualTo("attribute_not_exists(#k) OR #e <= :now");
        assertThat(put.expressionAttributeNames()).isEqualTo(Map.of("#k", "id", "#e", "expiresAt"));
        assertThat(put.expressionAttributeValues()).isEqualTo(Map.of(":now", AttributeValue.fromN("1700000000123")));
        assertThat(put.returnValuesOnConditionCheckFailure()).isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        assertThat(put.item()).isEqualTo(Map.of(
                "id", AttributeValue.fromS("k"),
                "status", AttributeValue.fromS("IN_PROGRESS"),
                "token", AttributeValue.fromS("t-1"),
                "expiresAt", AttributeValue.fromN("1700000030123"),
                "ttl", AttributeValue.fromN(Long.toString(1_700_000_031L + 600)),
                "payloadHash", AttributeValue.fromS("h")));
    }

    @Test
    void acquireWithoutPayloadHashWritesNoPayloadHashAttribute() {
        PutItemRequest put = requests.acquire(new AcquireRequest("k", Duration.ofSeconds(30), null), TOKEN, NOW);

        assertThat(put.item()).doesNotContainKey("payloadHash");
    }

    @Test
    void ttlRoundsTheExpiryUpToASecondAndAddsTheMargin() {
        assertThat(requests.ttlSeconds(1_000)).isEqualTo(1 + 600);
        assertThat(requests.ttlSeconds(1_001)).isEqualTo(2 + 600);
        assertThat(new StoreRequests(LAYOUT, false, Duration.ofMillis(1)).ttlSeconds(1_000)).isEqualTo(2);
        assertThat(new StoreRequests(LAYOUT, false, Duration.ZERO).ttlSeconds(1_999)).isEqualTo(2);
    }

    @Test
    void aLeaseTooLongForALongSaturatesInsteadOfOverflowing() {
        PutItemRequest put = requests.acquire(new AcquireRequest("k", Duration.ofSeconds(Long.MAX_VALUE), null),
                TOKEN, NOW);

        assertThat(put.item().get("expiresAt").n()).isEqualTo(Long.toString(Long.MAX_VALUE));
    }

    @Test
    void completeSetsCompletedAndTheNewExpiryIfTheTokenStillHoldsTheKey() {
        UpdateItemRequest update = requests.complete("k", TOKEN, Duration.ofHours(1), NOW);

        assertThat(update.key()).isEqualTo(Map.of("id", AttributeValue.fromS("k")));
        assertThat(update.conditionExpression()).isEqualTo("#t = :token AND #s = :inProgress AND #e > :now");
        assertThat(update.updateExpression()).isEqualTo("SET #s = :completed, #e = :expiresAt, #ttl = :ttl");
        assertThat(update.expressionAttributeValues()).containsEntry(":token", AttributeValue.fromS("t-1"))
                .containsEntry(":inProgress", AttributeValue.fromS("IN_PROGRESS"))
                .containsEntry(":completed", AttributeValue.fromS("COMPLETED"))
                .containsEntry(":now", AttributeValue.fromN(Long.toString(NOW)))
                .containsEntry(":expiresAt", AttributeValue.fromN(Long.toString(NOW + 3_600_000)));
        assertThat(update.expressionAttributeNames()).isEqualTo(Map.of("#t", "token", "#s", "status",
                "#e", "expiresAt", "#ttl", "ttl"));
    }

    @Test
    void completeInTransactionWritesWhatCompleteWritesOnConditionOnlyOfTheTokenAndStatus() {
        UpdateItemRequest plain = requests.complete("k", TOKEN, Duration.ofHours(1), NOW);

        Update update = requests.completeInTransaction("k", TOKEN, Duration.ofHours(1), NOW);

        assertThat(update.tableName()).isEqualTo("table");
        assertThat(update.key()).isEqualTo(plain.key());
        assertThat(update.updateExpression()).isEqualTo(plain.updateExpression());
        // no expiry in the condition: a lease that ran out with nobody taking the key over still commits
        assertThat(update.conditionExpression()).isEqualTo("#t = :token AND #s = :inProgress");
        Map<String, AttributeValue> values = new HashMap<>(plain.expressionAttributeValues());
        values.remove(":now");
        assertThat(update.expressionAttributeValues()).isEqualTo(values);
        assertThat(update.expressionAttributeNames()).isEqualTo(plain.expressionAttributeNames());
        assertThat(update.returnValuesOnConditionCheckFailure()).isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
    }

    @Test
    void renewMovesOnlyTheExpiryIfTheTokenStillHoldsTheKey() {
        UpdateItemRequest update = requests.renew("k", TOKEN, Duration.ofMinutes(1), NOW);

        assertThat(update.conditionExpression()).isEqualTo("#t = :token AND #s = :inProgress AND #e > :now");
        assertThat(update.updateExpression()).isEqualTo("SET #e = :expiresAt, #ttl = :ttl");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":expiresAt", AttributeValue.fromN(Long.toString(NOW + 60_000)));
    }

    @Test
    void releaseDeletesIfTheTokenStillHoldsTheKey() {
        DeleteItemRequest delete = requests.release("k", TOKEN, NOW);

        assertThat(delete.key()).isEqualTo(Map.of("id", AttributeValue.fromS("k")));
        assertThat(delete.conditionExpression()).isEqualTo("#t = :token AND #s = :inProgress AND #e > :now");
        assertThat(delete.expressionAttributeNames()).isEqualTo(Map.of("#t", "token", "#s", "status",
                "#e", "expiresAt"));
    }

    @Test
    void batchReadProjectsEverythingButTheToken() {
        BatchGetItemRequest read = new StoreRequests(LAYOUT, true, Duration.ZERO).batchRead(List.of("a", "b"));

        KeysAndAttributes keys = read.requestItems().get("table");
        assertThat(keys.keys()).containsExactly(Map.of("id", AttributeValue.fromS("a")),
                Map.of("id", AttributeValue.fromS("b")));
        assertThat(keys.consistentRead()).isTrue();
        assertThat(keys.projectionExpression()).isEqualTo("#k, #s, #e, #p");
        assertThat(keys.expressionAttributeNames()).isEqualTo(Map.of("#k", "id", "#s", "status",
                "#e", "expiresAt", "#p", "payloadHash"));
    }

    @Test
    void parsedRecordsAnswerCompletedOrInProgressWithTheLeaseRemaining() {
        Map<String, AttributeValue> inProgress = Map.of("id", AttributeValue.fromS("k"),
                "status", AttributeValue.fromS("IN_PROGRESS"), "expiresAt", AttributeValue.fromN("1500"),
                "payloadHash", AttributeValue.fromS("h"));
        Map<String, AttributeValue> completed = Map.of("id", AttributeValue.fromS("k"),
                "status", AttributeValue.fromS("COMPLETED"), "expiresAt", AttributeValue.fromN("1500"));

        assertThat(requests.parse(inProgress, "k").refusal(1_000))
                .isEqualTo(new AcquireResult.InProgress(Duration.ofMillis(500), "h"));
        assertThat(requests.parse(completed, "k").refusal(1_000)).isEqualTo(new AcquireResult.Completed(null));
        assertThat(requests.keyOf(completed)).isEqualTo("k");
    }

    @Test
    void parsingAnItemThisStoreDidNotWriteFailsWithTheKeyAndTable() {
        Map<String, AttributeValue> foreign = Map.of("id", AttributeValue.fromS("k"),
                "status", AttributeValue.fromS("DONE"), "expiresAt", AttributeValue.fromN("1500"));
        Map<String, AttributeValue> noExpiry = Map.of("id", AttributeValue.fromS("k"),
                "status", AttributeValue.fromS("COMPLETED"));

        assertThatThrownBy(() -> requests.parse(foreign, "k")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key k in table table").hasMessageContaining("status is");
        assertThatThrownBy(() -> requests.parse(noExpiry, "k")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expiresAt is null, not N epoch milliseconds");
        assertThatThrownBy(() -> requests.parse(Map.of(), "k")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("returned no item");
    }
}
