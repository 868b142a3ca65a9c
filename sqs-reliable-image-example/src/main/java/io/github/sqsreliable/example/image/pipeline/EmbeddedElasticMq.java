package io.github.sqsreliable.example.image.pipeline;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * The example's default SQS: an in-process ElasticMQ on a loopback port. Its queues live in memory, so they
 * last as long as this process.
 */
public final class EmbeddedElasticMq implements AutoCloseable {

    private final SQSRestServer server;
    private final URI endpoint;

    private EmbeddedElasticMq(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /**
     * Starts a server.
     *
     * @param port the port, or 0 for a free one
     */
    public static EmbeddedElasticMq start(int port) {
        SQSRestServer server = port == 0
                ? SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start()
                : SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port).start();
        int bound = server.waitUntilStarted().localAddress().getPort();
        return new EmbeddedElasticMq(server, URI.create("http://127.0.0.1:" + bound));
    }

    /** Where the server listens, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
