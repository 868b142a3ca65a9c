package io.github.sqsreliable.example.image.catalog;

import io.github.sqsreliable.example.image.pipeline.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The catalog in a DynamoDB table keyed by {@code imageId} (string). Each {@link #record} is one
 * {@code UpdateItem} that sets the entry (as JSON in {@code entry}) and adds one to {@code timesRecorded}.
 */
public final class DynamoDbCatalog implements Catalog {

    private final DynamoDbAsyncClient dynamo;
    private final String table;

    private DynamoDbCatalog(DynamoDbAsyncClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** A catalog in an existing {@code table}; the caller closes the client. */
    public static DynamoDbCatalog of(DynamoDbAsyncClient dynamo, String table) {
        return new DynamoDbCatalog(dynamo, table);
    }

    /** Creates {@code table} (on-demand billing) unless it exists, waits until it is active, and opens it. */
    public static DynamoDbCatalog createIfMissing(DynamoDbAsyncClient dynamo, String table) {
        try {
            dynamo.describeTable(DescribeTableRequest.builder().tableName(table).build()).join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof ResourceNotFoundException)) {
                throw e;
            }
            dynamo.createTable(CreateTableRequest.builder()
                    .tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("imageId")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("imageId").keyType(KeyType.HASH).build())
                    .build()).join();
            dynamo.waiter().waitUntilTableExists(DescribeTableRequest.builder().tableName(table).build()).join();
        }
        TableStatus status = dynamo.describeTable(DescribeTableRequest.builder().tableName(table).build()).join()
                .table().tableStatus();
        if (status != TableStatus.ACTIVE) {
            throw new IllegalStateException("catalog table " + table + " is " + status + ", not ACTIVE");
        }
        return new DynamoDbCatalog(dynamo, table);
    }

    @Override
    public void record(CatalogEntry entry) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":entry", AttributeValue.fromS(Json.write(entry)));
        values.put(":user", AttributeValue.fromS(entry.userId()));
        values.put(":one", AttributeValue.fromN("1"));
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(Map.of("imageId", AttributeValue.fromS(entry.imageId())))
                    .updateExpression("SET #entry = :entry, userId = :user ADD timesRecorded :one")
                    .expressionAttributeNames(Map.of("#entry", "entry"))
                    .expressionAttributeValues(values)
                    .build()).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof SdkException sdk ? sdk : e;
        }
    }

    @Override
    public Optional<CatalogRow> row(String imageId) {
        Map<String, AttributeValue> item;
        try {
            item = dynamo.getItem(GetItemRequest.builder().tableName(table).consistentRead(true)
                    .key(Map.of("imageId", AttributeValue.fromS(imageId))).build()).join().item();
        } catch (CompletionException e) {
            throw e.getCause() instanceof SdkException sdk ? sdk : e;
        }
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toRow(item));
    }

    @Override
    public List<CatalogRow> rows() {
        List<CatalogRow> rows = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanResponse page = dynamo.scan(ScanRequest.builder().tableName(table).consistentRead(true)
                    .exclusiveStartKey(start).build()).join();
            for (Map<String, AttributeValue> item : page.items()) {
                rows.add(toRow(item));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return rows;
    }

    private static CatalogRow toRow(Map<String, AttributeValue> item) {
        CatalogEntry entry = Json.read(item.get("entry").s(), CatalogEntry.class);
        return new CatalogRow(entry, Long.parseLong(item.get("timesRecorded").n()));
    }

    @Override
    public String toString() {
        return "DynamoDbCatalog[" + table + "]";
    }
}
