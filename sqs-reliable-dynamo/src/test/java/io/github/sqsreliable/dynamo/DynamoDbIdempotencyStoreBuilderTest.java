package io.github.sqsreliable.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** One test per rule {@link DynamoDbIdempotencyStore.Builder#build()} enforces. */
class DynamoDbIdempotencyStoreBuilderTest {

    private static DynamoDbAsyncClient client;

    @BeforeAll
    static void createClient() {
        // Never called: building a client opens no connection.
        client = DynamoDbAsyncClient.builder().region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .endpointOverride(URI.create("http://127.0.0.1:9")).build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    private static DynamoDbIdempotencyStore.Builder valid() {
        return DynamoDbIdempotencyStore.builder().client(client).tableName("idempotency");
    }

    private static void assertRejected(DynamoDbIdempotencyStore.Builder builder, String field, String message) {
        assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    @Test
    void buildsWithTheClientAndTableNameAlone() {
        assertThat(valid().build()).hasToString("DynamoDbIdempotencyStore[tableName=idempotency]");
    }

    @Test
    void requiresAClient() {
        assertRejected(DynamoDbIdempotencyStore.builder().tableName("idempotency"), "client", "client must be set");
    }

    @Test
    void requiresATableName() {
        assertRejected(DynamoDbIdempotencyStore.builder().client(client), "tableName", "tableName must be set");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "has space", "caf\u00e9", "slash/es"})
    void rejectsATableNameDynamoDbWouldRefuse(String tableName) {
        assertRejected(valid().tableName(tableName), "tableName", "(" + tableName + ") must be 3 to 255");
    }

    @Test
    void rejectsATableNameLongerThan255Characters() {
        assertRejected(valid().tableName("t".repeat(256)), "tableName", "must be 3 to 255");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "orders_idempotency-v2.prod",
            "arn:aws:dynamodb:eu-west-1:123456789012:table/idempotency"})
    void acceptsTableNamesAndArns(String tableName) {
        assertThat(valid().tableName(tableName).build()).isNotNull();
    }

    static Stream<Arguments> attributeSetters() {
        return Stream.of(
                Arguments.of("keyAttribute", setter(DynamoDbIdempotencyStore.Builder::keyAttribute)),
                Arguments.of("statusAttribute", setter(DynamoDbIdempotencyStore.Builder::statusAttribute)),
                Arguments.of("tokenAttribute", setter(DynamoDbIdempotencyStore.Builder::tokenAttribute)),
                Arguments.of("expiresAtAttribute", setter(DynamoDbIdempotencyStore.Builder::expiresAtAttribute)),
                Arguments.of("ttlAttribute", setter(DynamoDbIdempotencyStore.Builder::ttlAttribute)),
                Arguments.of("payloadHashAttribute", setter(DynamoDbIdempotencyStore.Builder::payloadHashAttribute)));
    }

    private static BiFunction<DynamoDbIdempotencyStore.Builder, String, DynamoDbIdempotencyStore.Builder> setter(
            BiFunction<DynamoDbIdempotencyStore.Builder, String, DynamoDbIdempotencyStore.Builder> setter) {
        return setter;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attributeSetters")
    void rejectsAMissingOrBlankAttributeName(
            String field, BiFunction<DynamoDbIdempotencyStore.Builder, String, DynamoDbIdempotencyStore.Builder> set) {
        assertRejected(set.apply(valid(), null), field, field + " (null) must be 1 to 255 characters");
        assertRejected(set.apply(valid(), " "), field, field + " ( ) must be 1 to 255 characters");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attributeSetters")
    void rejectsAnAttributeNameLongerThan255Characters(
            String field, BiFunction<DynamoDbIdempotencyStore.Builder, String, DynamoDbIdempotencyStore.Builder> set) {
        assertRejected(set.apply(valid(), "a".repeat(256)), field, "must be 1 to 255 characters");
    }

    @Test
    void rejectsTwoAttributesWithTheSameName() {
        assertRejected(valid().ttlAttribute("expiresAt"), "ttlAttribute",
                "ttlAttribute (expiresAt) must differ from expiresAtAttribute (expiresAt)");
    }

    @Test
    void rejectsANullClock() {
        assertRejected(valid().clock(null), "clock", "clock must not be null");
    }

    @Test
    void rejectsANullTtlMargin() {
        assertRejected(valid().ttlMargin(null), "ttlMargin", "ttlMargin (null) must be between PT0S and P365D");
    }

    @Test
    void rejectsANegativeTtlMargin() {
        assertRejected(valid().ttlMargin(Duration.ofSeconds(-1)), "ttlMargin",
                "ttlMargin (PT-1S) must be between PT0S and P365D");
    }

    @Test
    void rejectsATtlMarginLongerThanAYear() {
        assertRejected(valid().ttlMargin(Duration.ofDays(366)), "ttlMargin",
                "ttlMargin (PT8784H) must be between PT0S and P365D");
    }

    @Test
    void acceptsAZeroTtlMargin() {
        assertThat(valid().ttlMargin(Duration.ZERO).build()).isNotNull();
    }

    @Test
    void toBuilderKeepsEveryOption() {
        DynamoDbIdempotencyStore store = valid().tableName("other").keyAttribute("pk").clock(Clock.systemUTC())
                .consistentReads(true).ttlMargin(Duration.ZERO).build();

        DynamoDbIdempotencyStore copy = store.toBuilder().build();

        assertThat(copy).hasToString(store.toString());
        assertRejected(store.toBuilder().statusAttribute("pk"), "statusAttribute",
                "statusAttribute (pk) must differ from keyAttribute (pk)");
    }
}
