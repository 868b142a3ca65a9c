package io.github.sqsreliable.test;

import io.github.sqsreliable.test.internal.DynamoDbLocalServer;
import io.github.sqsreliable.test.internal.LocalClients;
import io.github.sqsreliable.test.internal.OptionalDependency;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;

/**
 * The one DynamoDB Local every module's tests share: an in-process, in-memory server listening on a free loopback
 * port, started once per JVM on first use and stopped when the JVM exits. Clients reach it over HTTP, as they
 * would reach DynamoDB. Hands out configured clients and fresh table names, so tests never share table state.
 *
 * <pre>{@code
 * EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.shared();
 * String table = dynamo.newTableName();
 * DynamoDbIdempotencyStore.createTable(dynamo.client(), table).join();
 * }</pre>
 *
 * <p>DynamoDB Local's TTL sweeper deletes expired items within about a second (DynamoDB: up to days): never
 * write a test that depends on when, or whether, an expired item disappears. Set the environment variable
 * {@code DDB_LOCAL_TELEMETRY=0} for the test JVM, or it writes a telemetry file into the working directory.
 *
 * <p>DynamoDB Local is an optional dependency of the kit: add {@code software.amazon.dynamodb:DynamoDBLocal} to your
 * test dependencies to use this class (see docs/testing.md). Without it, {@link #shared()} throws an
 * {@link IllegalStateException} naming that artifact.
 *
 * <p>If the server cannot start, {@link #shared()} throws: tests that need DynamoDB fail, they are never skipped.
 * Thread-safe.
 */
public final class EmbeddedDynamoDb {

    private static final Object LOCK = new Object();
    private static final AtomicLong TABLE_SEQUENCE = new AtomicLong();
    private static final int START_ATTEMPTS = 5;
    private static EmbeddedDynamoDb shared;

    private final DynamoDbLocalServer server;
    private final URI endpoint;
    private final DynamoDbAsyncClient client;

    private EmbeddedDynamoDb(DynamoDbLocalServer server, int port) {
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.client = newClient();
    }

    /**
     * The JVM's DynamoDB Local, started on first call.
     *
     * @return the shared instance
     * @throws IllegalStateException if DynamoDB Local is not on the classpath (the message names the artifact to
     *     add), or cannot start or does not answer
     */
    public static EmbeddedDynamoDb shared() {
        synchronized (LOCK) {
            if (shared == null) {
                OptionalDependency.require(DynamoDbLocalServer.MARKER_CLASS, DynamoDbLocalServer.ARTIFACT,
                        "EmbeddedDynamoDb");
                EmbeddedDynamoDb started = start();
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "dynamodb-local-stop"));
                shared = started;
            }
            return shared;
        }
    }

    /** @return the server's endpoint, e.g. {@code http://127.0.0.1:41234} */
    public URI endpoint() {
        return endpoint;
    }

    /** @return a client shared by tests; do not close it */
    public DynamoDbAsyncClient client() {
        return client;
    }

    /**
     * A new client of this server; the caller closes it.
     *
     * @param interceptors interceptors to observe or alter requests and responses (request counting, fault
     *     injection)
     * @return the client
     */
    public DynamoDbAsyncClient newClient(ExecutionInterceptor... interceptors) {
        return newClient(endpoint, null, interceptors);
    }

    /**
     * A new client of any endpoint, configured like this fixture's clients; the caller closes it. For tests of
     * what happens when DynamoDB is unreachable.
     *
     * @param endpoint where to send requests, e.g. a port nothing listens on
     * @param apiCallTimeout the time limit of each call, retries included; null for the SDK's default (none)
     * @param interceptors interceptors to observe or alter requests and responses
     * @return the client
     */
    public static DynamoDbAsyncClient newClient(URI endpoint, Duration apiCallTimeout,
                                                ExecutionInterceptor... interceptors) {
        return LocalClients.configure(DynamoDbAsyncClient.builder(), endpoint, apiCallTimeout, interceptors).build();
    }

    /** @return a table name no other test has used in this JVM; the table is not created */
    public String newTableName() {
        return "sqs-reliable-test-" + TABLE_SEQUENCE.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    private static EmbeddedDynamoDb start() {
        Exception last = null;
        // The free port is found, released, then bound by the server: another process may take it in between.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            DynamoDbLocalServer server = null;
            EmbeddedDynamoDb fixture = null;
            try {
                int port = freeLoopbackPort();
                server = DynamoDbLocalServer.start(port);
                fixture = new EmbeddedDynamoDb(server, port);
                fixture.client.listTables(ListTablesRequest.builder().limit(1).build()).get(30, TimeUnit.SECONDS);
                return fixture;
            } catch (Exception e) {
                last = e;
                if (fixture != null) {
                    fixture.stop();
                } else if (server != null) {
                    server.close();
                }
            }
        }
        throw new IllegalStateException("DynamoDB Local (software.amazon.dynamodb:DynamoDBLocal) did not start after "
                + START_ATTEMPTS + " attempts; is it on the test classpath, and is the environment variable "
                + "DDB_LOCAL_TELEMETRY=0 set? Last failure: " + last, last);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private void stop() {
        client.close();
        server.close();
    }
}
