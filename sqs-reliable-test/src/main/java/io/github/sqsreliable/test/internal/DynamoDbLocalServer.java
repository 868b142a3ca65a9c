package io.github.sqsreliable.test.internal;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * The only class of the kit that touches DynamoDB Local's own classes, so that the rest loads without that
 * optional dependency. Not API.
 */
public final class DynamoDbLocalServer implements AutoCloseable {

    /** A class of DynamoDB Local, checked for before this class is used. */
    public static final String MARKER_CLASS = "software.amazon.dynamodb.services.local.main.ServerRunner";
    /** DynamoDB Local's Maven coordinates. */
    public static final String ARTIFACT = "software.amazon.dynamodb:DynamoDBLocal";

    private final DynamoDBProxyServer server;

    private DynamoDbLocalServer(DynamoDBProxyServer server) {
        this.server = server;
    }

    /**
     * Starts an in-memory DynamoDB Local.
     *
     * @param port the loopback port to listen on
     * @return the running server
     * @throws Exception if it does not start
     */
    public static DynamoDbLocalServer start(int port) throws Exception {
        // -sharedDb: one database whatever the credentials and region a test's client uses.
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                "-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
        server.start();
        return new DynamoDbLocalServer(server);
    }

    /** Stops the server; ignores failures (the JVM is exiting, or a failed start is being cleaned up). */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // nothing to recover
        }
    }
}
