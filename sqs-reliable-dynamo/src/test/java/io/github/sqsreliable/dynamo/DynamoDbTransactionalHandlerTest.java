package io.github.sqsreliable.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The consumer builder's check of a transactional handler's store, and a transactional handler called where no
 * key is held. No server: building clients and consumers opens no connection.
 */
class DynamoDbTransactionalHandlerTest {

    private static final String QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";
    private static final DynamoDbTransactionalHandler NOTHING = (message, transaction) -> { };

    private static DynamoDbAsyncClient dynamo;
    private static SqsAsyncClient sqs;

    @BeforeAll
    static void createClients() {
        dynamo = DynamoDbAsyncClient.builder().region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .endpointOverride(URI.create("http://127.0.0.1:9")).build();
        sqs = SqsAsyncClient.builder().region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .endpointOverride(URI.create("http://127.0.0.1:9")).build();
    }

    @AfterAll
    static void closeClients() {
        dynamo.close();
        sqs.close();
    }

    private static DynamoDbIdempotencyStore store(String table) {
        return DynamoDbIdempotencyStore.builder().client(dynamo).tableName(table).build();
    }

    private static SqsConsumer.Builder consumer(KeyCompletingHandler handler) {
        return SqsConsumer.builder().sqsClient(sqs).queueUrl(QUEUE_URL).handler(handler);
    }

    @Test
    void rejectsATransactionalHandlerOnAConsumerWithoutIdempotency() {
        DynamoDbIdempotencyStore store = store("idempotency");

        assertThatThrownBy(consumer(store.transactional(NOTHING))::build)
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.field()).isEqualTo("idempotency"))
                .hasMessageContaining("must be set, with store(DynamoDbIdempotencyStore[tableName=idempotency])");
    }

    @Test
    void rejectsATransactionalHandlerWhoseStoreIsNotTheConsumers() {
        DynamoDbIdempotencyStore handlersStore = store("idempotency");
        DynamoDbIdempotencyStore consumersStore = store("other-idempotency");

        assertThatThrownBy(consumer(handlersStore.transactional(NOTHING))
                .idempotency(Idempotency.builder().store(consumersStore).build())::build)
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.field()).isEqualTo("idempotency"))
                .hasMessageContaining("uses DynamoDbIdempotencyStore[tableName=other-idempotency]")
                .hasMessageContaining("records keys in DynamoDbIdempotencyStore[tableName=idempotency]");
    }

    @Test
    void rejectsAnEqualStoreThatIsAnotherInstance() {
        // the same table, but another instance: the check is by identity, as a store may wrap a table differently
        assertThatThrownBy(consumer(store("idempotency").transactional(NOTHING))
                .idempotency(Idempotency.builder().store(store("idempotency")).build())::build)
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.field()).isEqualTo("idempotency"));
    }

    @Test
    void buildsATransactionalHandlerOnItsOwnStore() {
        DynamoDbIdempotencyStore store = store("idempotency");
        KeyCompletingHandler handler = store.transactional(NOTHING);

        try (SqsConsumer consumer = consumer(handler).idempotency(Idempotency.builder().store(store).build())
                .build()) {
            assertThat(handler.store()).isSameAs(store);
            assertThat(consumer).isNotNull();
        }
    }

    @Test
    void failsWithoutRunningTheUsersHandlerWhenNoKeyIsHeld() {
        DynamoDbIdempotencyStore store = store("idempotency");
        AtomicBoolean ran = new AtomicBoolean();
        KeyCompletingHandler handler = store.transactional((message, transaction) -> ran.set(true));
        SqsMessage message = SqsMessage.builder().queueUrl(QUEUE_URL).messageId("m-1").body("order-1").build();

        assertThatThrownBy(() -> handler.handle(message))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("message m-1 holds no idempotency key")
                .hasMessageContaining("whose idempotency store is DynamoDbIdempotencyStore[tableName=idempotency]");
        assertThat(ran).isFalse();
    }

    @Test
    void rejectsANullHandler() {
        assertThatThrownBy(() -> store("idempotency").transactional(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("handler");
    }
}
