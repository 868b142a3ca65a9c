package io.github.sqsreliable.dynamo.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * Creates the store's table if it does not exist (partition key of type S, on-demand capacity), waits until it
 * is {@code ACTIVE}, checks its key schema, and enables TTL on the TTL attribute unless it is already enabled.
 * Each step first looks, so running it against a table that is ready needs only {@code DescribeTable} and
 * {@code DescribeTimeToLive}, and several processes may run it at once.
 */
public final class TableCreator {

    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final DynamoDbAsyncClient client;
    private final ItemLayout layout;

    /**
     * @param client the user's client; never closed here
     * @param layout the table and its attribute names
     */
    public TableCreator(DynamoDbAsyncClient client, ItemLayout layout) {
        this.client = client;
        this.layout = layout;
    }

    /** @return completes when the table is active with TTL enabled */
    public CompletableFuture<Void> createTable() {
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        return describe()
                .thenCompose(existing -> existing != null ? CompletableFuture.completedFuture(existing) : create())
                .thenCompose(table -> awaitActive(table, deadline))
                .thenCompose(table -> {
                    checkKeySchema(table);
                    return enableTimeToLive();
                });
    }

    /** @return the table, or null if it does not exist */
    private CompletableFuture<TableDescription> describe() {
        return Futures.call(() -> client.describeTable(DescribeTableRequest.builder()
                .tableName(layout.tableName()).build())).handle((response, error) -> {
                    if (error == null) {
                        return response.table();
                    }
                    if (Futures.unwrap(error) instanceof ResourceNotFoundException) {
                        return null;
                    }
                    throw Futures.propagate(error);
                });
    }

    private CompletableFuture<TableDescription> create() {
        CreateTableRequest request = CreateTableRequest.builder()
                .tableName(layout.tableName())
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(layout.key()).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(layout.key()).keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build();
        return Futures.call(() -> client.createTable(request)).handle((response, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(response.tableDescription());
            }
            if (Futures.unwrap(error) instanceof ResourceInUseException) {
                // Created by someone else since we looked.
                return describe();
            }
            throw Futures.propagate(error);
        }).thenCompose(table -> table);
    }

    private CompletableFuture<TableDescription> awaitActive(TableDescription table, long deadline) {
        if (table == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("table " + layout.tableName()
                    + " was created, then disappeared"));
        }
        TableStatus status = table.tableStatus();
        if (status == TableStatus.ACTIVE) {
            return CompletableFuture.completedFuture(table);
        }
        if (status != TableStatus.CREATING && status != TableStatus.UPDATING) {
            return CompletableFuture.failedFuture(new IllegalStateException("table " + layout.tableName()
                    + " is " + table.tableStatusAsString() + ", so it cannot be used as an idempotency store"));
        }
        if (System.nanoTime() - deadline > 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("table " + layout.tableName()
                    + " is still " + status + " after " + MAX_WAIT));
        }
        return Futures.delay(POLL_INTERVAL).thenCompose(slept -> describe())
                .thenCompose(next -> awaitActive(next, deadline));
    }

    private void checkKeySchema(TableDescription table) {
        List<KeySchemaElement> keySchema = table.keySchema();
        boolean keyIsString = table.attributeDefinitions().stream().anyMatch(definition ->
                definition.attributeName().equals(layout.key())
                        && definition.attributeType() == ScalarAttributeType.S);
        if (keySchema.size() != 1 || !keySchema.get(0).attributeName().equals(layout.key())
                || keySchema.get(0).keyType() != KeyType.HASH || !keyIsString) {
            throw new IllegalStateException("table " + layout.tableName() + " has the key schema " + keySchema
                    + " (attributes " + table.attributeDefinitions() + "), but the store needs a partition key '"
                    + layout.key() + "' of type S and no sort key");
        }
    }

    private CompletableFuture<Void> enableTimeToLive() {
        return describeTimeToLive().thenCompose(current -> {
            if (ttlEnabledOnOurAttribute(current)) {
                return CompletableFuture.completedFuture(null);
            }
            UpdateTimeToLiveRequest request = UpdateTimeToLiveRequest.builder()
                    .tableName(layout.tableName())
                    .timeToLiveSpecification(TimeToLiveSpecification.builder()
                            .attributeName(layout.ttl()).enabled(true).build())
                    .build();
            return Futures.call(() -> client.updateTimeToLive(request)).handle((response, error) -> {
                if (error == null) {
                    return CompletableFuture.<Void>completedFuture(null);
                }
                // Another process may have enabled it since we looked: DynamoDB refuses to enable it twice.
                return describeTimeToLive().<Void>thenApply(after -> {
                    if (ttlEnabledOnOurAttribute(after)) {
                        return null;
                    }
                    throw Futures.propagate(error);
                });
            }).thenCompose(done -> done);
        });
    }

    private CompletableFuture<TimeToLiveDescription> describeTimeToLive() {
        return Futures.call(() -> client.describeTimeToLive(DescribeTimeToLiveRequest.builder()
                .tableName(layout.tableName()).build())).thenApply(response -> response.timeToLiveDescription());
    }

    /**
     * @return true if TTL is on (or turning on) for our attribute; false if it is off
     * @throws IllegalStateException if it is on for another attribute, or being turned off
     */
    private boolean ttlEnabledOnOurAttribute(TimeToLiveDescription description) {
        TimeToLiveStatus status = description == null ? null : description.timeToLiveStatus();
        if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
            if (layout.ttl().equals(description.attributeName())) {
                return true;
            }
            throw new IllegalStateException("TTL of table " + layout.tableName() + " is enabled on attribute '"
                    + description.attributeName() + "', but the store writes '" + layout.ttl()
                    + "': a table has one TTL attribute, so set ttlAttribute(\"" + description.attributeName()
                    + "\") or disable TTL on the table first");
        }
        if (status == TimeToLiveStatus.DISABLING) {
            throw new IllegalStateException("TTL of table " + layout.tableName() + " is being disabled; DynamoDB "
                    + "accepts enabling it again only once that has finished (up to an hour): try again later");
        }
        return false;
    }
}
