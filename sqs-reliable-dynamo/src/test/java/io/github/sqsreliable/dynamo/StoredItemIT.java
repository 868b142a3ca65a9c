package io.github.sqsreliable.dynamo;

import static io.github.sqsreliable.dynamo.Tables.acquire;
import static io.github.sqsreliable.dynamo.Tables.acquired;
import static io.github.sqsreliable.dynamo.Tables.item;
import static io.github.sqsreliable.dynamo.Tables.newKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.test.EmbeddedDynamoDb;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What the store writes into an item: the attributes, the expiry in milliseconds, DynamoDB's TTL in seconds. */
@Timeout(60)
class StoredItemIT {

    private static final Duration LEASE = Duration.ofSeconds(90);

    private static String table;
    private final TestClock clock = new TestClock();
    private DynamoDbIdempotencyStore store;

    @BeforeAll
    static void createTable() {
        table = Tables.newTable();
    }

    private DynamoDbIdempotencyStore store() {
        if (store == null) {
            store = DynamoDbIdempotencyStore.builder().client(EmbeddedDynamoDb.shared().client())
                    .tableName(table).clock(clock).build();
        }
        return store;
    }

    private static long ttlFor(long expiresAtMillis) {
        return (expiresAtMillis + 999) / 1000 + DynamoDbIdempotencyStore.DEFAULT_TTL_MARGIN.toSeconds();
    }

    @Test
    void acquiredItemHoldsTheLeaseAndATtlAttributeInEpochSeconds() {
        String key = newKey();
        long now = clock.millis();

        FencingToken token = acquired(store(), key, LEASE, "hash");

        Map<String, AttributeValue> item = item(table, "id", key);
        assertThat(item).containsOnlyKeys("id", "status", "token", "expiresAt", "ttl", "payloadHash");
        assertThat(item.get("status").s()).isEqualTo("IN_PROGRESS");
        assertThat(item.get("token").s()).isEqualTo(token.value());
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(now + LEASE.toMillis()));
        assertThat(item.get("ttl").n()).isEqualTo(Long.toString(ttlFor(now + LEASE.toMillis())));
        assertThat(item.get("payloadHash").s()).isEqualTo("hash");
    }

    @Test
    void itemOfAKeyAcquiredWithoutAPayloadHashHasNoSuchAttribute() {
        String key = newKey();

        acquired(store(), key, LEASE, null);

        assertThat(item(table, "id", key)).doesNotContainKey("payloadHash");
    }

    @Test
    void completingMovesTheExpiryAndTheTtlToTheRecordsTtl() {
        String key = newKey();
        FencingToken token = acquired(store(), key, LEASE, "hash");
        clock.advance(Duration.ofSeconds(10));
        long now = clock.millis();

        assertThat(store().complete(key, token, Duration.ofHours(24)).join()).isTrue();

        Map<String, AttributeValue> item = item(table, "id", key);
        long expiresAt = now + Duration.ofHours(24).toMillis();
        assertThat(item.get("status").s()).isEqualTo("COMPLETED");
        assertThat(item.get("token").s()).isEqualTo(token.value());
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(expiresAt));
        assertThat(item.get("ttl").n()).isEqualTo(Long.toString(ttlFor(expiresAt)));
        assertThat(item.get("payloadHash").s()).isEqualTo("hash");
    }

    @Test
    void renewingMovesTheExpiryAndTheTtl() {
        String key = newKey();
        FencingToken token = acquired(store(), key, LEASE, null);
        clock.advance(Duration.ofSeconds(60));
        long now = clock.millis();

        assertThat(store().renew(key, token, LEASE).join()).isTrue();

        Map<String, AttributeValue> item = item(table, "id", key);
        assertThat(item.get("status").s()).isEqualTo("IN_PROGRESS");
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(now + LEASE.toMillis()));
        assertThat(item.get("ttl").n()).isEqualTo(Long.toString(ttlFor(now + LEASE.toMillis())));
    }

    @Test
    void inProgressAnswerCountsTheLeaseRemainingByTheStoresClock() {
        String key = newKey();
        acquired(store(), key, LEASE, "hash");
        clock.advance(Duration.ofSeconds(30));

        AcquireResult second = acquire(store(), key, LEASE, "other");

        assertThat(second).isEqualTo(new AcquireResult.InProgress(LEASE.minusSeconds(30), "hash"));
    }

    @Test
    void leaseExpiresAtItsEndByTheStoresClockAndRenewingMovesTheEnd() {
        String key = newKey();
        FencingToken stale = acquired(store(), key, LEASE, null);
        clock.advance(LEASE.minusMillis(1));
        assertThat(acquire(store(), key, LEASE, null)).isInstanceOf(AcquireResult.InProgress.class);
        assertThat(store().renew(key, stale, LEASE).join()).isTrue();
        clock.advance(LEASE);

        assertThat(store().complete(key, stale, LEASE).join()).isFalse();
        assertThat(acquire(store(), key, LEASE, null)).isInstanceOf(AcquireResult.Acquired.class);
    }

    @Test
    void customAttributeNamesAreUsedForEveryAttribute() {
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.shared();
        String customTable = dynamo.newTableName();
        DynamoDbIdempotencyStore custom = DynamoDbIdempotencyStore.builder()
                .client(dynamo.client())
                .tableName(customTable)
                .keyAttribute("pk")
                .statusAttribute("st")
                .tokenAttribute("tok")
                .expiresAtAttribute("exp")
                .ttlAttribute("expires_on")
                .payloadHashAttribute("ph")
                .build();
        custom.createTable().join();
        String key = newKey();

        FencingToken token = acquired(custom, key, LEASE, "hash");
        assertThat(custom.complete(key, token, LEASE).join()).isTrue();

        assertThat(item(customTable, "pk", key)).containsOnlyKeys("pk", "st", "tok", "exp", "expires_on", "ph");
        assertThat(acquire(custom, key, LEASE, null)).isEqualTo(new AcquireResult.Completed("hash"));
    }
}
