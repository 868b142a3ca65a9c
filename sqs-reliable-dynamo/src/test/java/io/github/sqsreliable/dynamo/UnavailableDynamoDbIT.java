package io.github.sqsreliable.dynamo;

import static io.github.sqsreliable.dynamo.Tables.newKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.test.EmbeddedDynamoDb;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** When DynamoDB cannot answer, every operation fails its future, promptly: none hangs, none answers false. */
@Timeout(60)
class UnavailableDynamoDbIT {

    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(1);

    private DynamoDbAsyncClient client;
    private ServerSocket silentServer;

    @AfterEach
    void close() throws IOException {
        if (client != null) {
            client.close();
        }
        if (silentServer != null) {
            silentServer.close();
        }
    }

    private IdempotencyStore storeAt(URI endpoint) {
        client = EmbeddedDynamoDb.newClient(endpoint, API_CALL_TIMEOUT);
        return DynamoDbIdempotencyStore.builder().client(client).tableName("unreachable").build();
    }

    private static void assertEveryOperationFails(IdempotencyStore store, Class<? extends Throwable> cause) {
        String key = newKey();
        FencingToken token = FencingToken.random();
        List<CompletableFuture<?>> operations = List.of(
                store.acquire(List.of(new AcquireRequest(key, LEASE, null))),
                store.acquire(List.of(new AcquireRequest(key, LEASE, null), new AcquireRequest(newKey(), LEASE, null))),
                store.complete(key, token, LEASE),
                store.release(key, token),
                store.renew(key, token, LEASE));
        for (CompletableFuture<?> operation : operations) {
            assertThat(operation).failsWithin(Duration.ofSeconds(10))
                    .withThrowableThat().havingCause().isInstanceOf(cause);
        }
    }

    @Test
    void operationsFailWhenNothingListensAtTheEndpoint() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        assertEveryOperationFails(storeAt(URI.create("http://127.0.0.1:" + port)), SdkException.class);
    }

    @Test
    void operationsFailWithinTheApiCallTimeoutWhenTheEndpointNeverAnswers() throws IOException {
        // Connections complete in the kernel's backlog; nothing ever reads a request or writes a response.
        silentServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        assertEveryOperationFails(storeAt(URI.create("http://127.0.0.1:" + silentServer.getLocalPort())),
                ApiCallTimeoutException.class);
    }

    @Test
    void operationsFailRatherThanAnswerFalseWhenTheTableDoesNotExist() {
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.shared();
        IdempotencyStore store = DynamoDbIdempotencyStore.builder().client(dynamo.client())
                .tableName(dynamo.newTableName()).build();

        assertEveryOperationFails(store, ResourceNotFoundException.class);
    }
}
