package io.github.sqsreliable.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.test.EmbeddedDynamoDb;
import io.github.sqsreliable.testing.RecordingInterceptor;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/** {@link DynamoDbIdempotencyStore#createTable}: the schema, TTL, and running it again. */
@Timeout(60)
class CreateTableIT {

    private final EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.shared();
    private final DynamoDbAsyncClient client = dynamo.client();

    private TableDescription describe(String table) {
        return client.describeTable(DescribeTableRequest.builder().tableName(table).build()).join().table();
    }

    private TimeToLiveDescription timeToLive(String table) {
        return client.describeTimeToLive(DescribeTimeToLiveRequest.builder().tableName(table).build()).join()
                .timeToLiveDescription();
    }

    private void createTableByHand(String table, String keyAttribute, KeyType keyType) {
        client.createTable(CreateTableRequest.builder().tableName(table)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(keyAttribute)
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(keyAttribute).keyType(keyType).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).build()).join();
    }

    @Test
    void createsAnActiveOnDemandTableKeyedByAStringIdWithTtlOnTheTtlAttribute() {
        String table = dynamo.newTableName();

        DynamoDbIdempotencyStore.createTable(client, table).join();

        TableDescription description = describe(table);
        assertThat(description.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(description.keySchema()).containsExactly(
                KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build());
        assertThat(description.attributeDefinitions()).containsExactly(
                AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build());
        assertThat(description.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(timeToLive(table).timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
        assertThat(timeToLive(table).attributeName()).isEqualTo("ttl");
    }

    @Test
    void runningItAgainOnAReadyTableOnlyLooks() {
        String table = dynamo.newTableName();
        DynamoDbIdempotencyStore.createTable(client, table).join();
        RecordingInterceptor requests = new RecordingInterceptor();

        try (DynamoDbAsyncClient counted = dynamo.newClient(requests)) {
            DynamoDbIdempotencyStore.createTable(counted, table).join();
            DynamoDbIdempotencyStore.createTable(counted, table).join();
        }

        assertThat(requests.calls()).extracting(RecordingInterceptor.Call::operation).containsExactly(
                "DescribeTableRequest", "DescribeTimeToLiveRequest",
                "DescribeTableRequest", "DescribeTimeToLiveRequest");
        assertThat(timeToLive(table).timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
    }

    @Test
    void enablesTtlOnAnExistingTableThatHasNone() {
        String table = dynamo.newTableName();
        createTableByHand(table, "id", KeyType.HASH);

        DynamoDbIdempotencyStore.createTable(client, table).join();

        assertThat(timeToLive(table).timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
        assertThat(timeToLive(table).attributeName()).isEqualTo("ttl");
    }

    @Test
    void refusesAnExistingTableWithAnotherKey() {
        String table = dynamo.newTableName();
        createTableByHand(table, "pk", KeyType.HASH);

        assertThatThrownBy(() -> DynamoDbIdempotencyStore.createTable(client, table).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(table).hasMessageContaining("partition key 'id' of type S");
    }

    @Test
    void refusesATableWhoseTtlIsOnAnotherAttribute() {
        String table = dynamo.newTableName();
        createTableByHand(table, "id", KeyType.HASH);
        client.updateTimeToLive(UpdateTimeToLiveRequest.builder().tableName(table)
                .timeToLiveSpecification(TimeToLiveSpecification.builder().attributeName("expires").enabled(true)
                        .build()).build()).join();

        assertThatThrownBy(() -> DynamoDbIdempotencyStore.createTable(client, table).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("enabled on attribute 'expires'")
                .hasMessageContaining("ttlAttribute(\"expires\")");
    }

    @Test
    void rejectsAnInvalidTableNameBeforeSendingAnything() {
        assertThatThrownBy(() -> DynamoDbIdempotencyStore.createTable(client, "a b"))
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.field()).isEqualTo("tableName"));
    }
}
