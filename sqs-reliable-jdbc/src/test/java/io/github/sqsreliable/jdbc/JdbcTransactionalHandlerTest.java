package io.github.sqsreliable.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** The transactional mode's checks that need no database: build() and a call outside a consumer. */
class JdbcTransactionalHandlerTest {

    private static final String QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders";

    private static final JdbcIdempotencyStore STORE = JdbcIdempotencyStore.builder()
            .dataSource(new PGSimpleDataSource())
            .build();
    private static final KeyCompletingHandler HANDLER = STORE.transactional((message, connection) -> { });
    // One client for the class: closing one waits for its event loop's quiet period.
    private static final SqsAsyncClient CLIENT = SqsAsyncClient.builder().region(Region.EU_WEST_1).build();

    @AfterAll
    static void close() {
        STORE.close();
        CLIENT.close();
    }

    @Test
    void theHandlerCompletesKeysInItsOwnStore() {
        assertThat(HANDLER.store()).isSameAs(STORE);
    }

    @Test
    void aConsumerWithoutIdempotencyIsRejectedNamingIdempotency() {
        assertThatThrownBy(() -> SqsConsumer.builder().sqsClient(CLIENT).queueUrl(QUEUE_URL).handler(HANDLER).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("idempotency")
                .hasMessageContaining("transactional");
    }

    @Test
    void aConsumerWhoseIdempotencyUsesAnotherStoreIsRejectedNamingIdempotency() {
        InMemoryIdempotencyStore other = InMemoryIdempotencyStore.create();
        assertThatThrownBy(() -> SqsConsumer.builder().sqsClient(CLIENT).queueUrl(QUEUE_URL)
                .idempotency(Idempotency.builder().store(other).build())
                .handler(HANDLER)
                .build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("idempotency")
                .hasMessageContaining(STORE.toString());
    }

    @Test
    void aConsumerWithThisStoreIsAccepted() {
        SqsConsumer consumer = SqsConsumer.builder().sqsClient(CLIENT).queueUrl(QUEUE_URL)
                .idempotency(Idempotency.builder().store(STORE).build())
                .handler(HANDLER)
                .build();
        consumer.close();
    }

    @Test
    void calledOutsideAConsumerItRefusesBeforeTouchingTheDatabase() {
        SqsMessage message = SqsMessage.builder().queueUrl(QUEUE_URL).messageId("m-1").body("{}").build();
        assertThatThrownBy(() -> HANDLER.handle(message))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds no idempotency key");
    }
}
