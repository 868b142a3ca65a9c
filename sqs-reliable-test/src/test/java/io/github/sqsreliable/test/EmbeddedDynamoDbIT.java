package io.github.sqsreliable.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@Timeout(60)
class EmbeddedDynamoDbIT {

    @Test
    void startsOncePerJvmAndCreatesTablesUnderFreshNames() {
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.shared();
        String table = dynamo.newTableName();

        dynamo.client().createTable(r -> r.tableName(table)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .billingMode("PAY_PER_REQUEST")).join();

        assertThat(EmbeddedDynamoDb.shared()).isSameAs(dynamo);
        assertThat(dynamo.newTableName()).isNotEqualTo(table);
        assertThat(dynamo.client().listTables().join().tableNames()).contains(table);
    }
}
