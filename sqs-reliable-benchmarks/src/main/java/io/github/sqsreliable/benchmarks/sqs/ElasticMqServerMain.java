package io.github.sqsreliable.benchmarks.sqs;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * Runs ElasticMQ alone in its JVM, for {@link ElasticMqProcess}: prints {@code READY <port>} once listening, and
 * stops when its standard input closes (the parent died or closed it).
 */
public final class ElasticMqServerMain {

    private ElasticMqServerMain() {
    }

    /** @param args none */
    public static void main(String[] args) throws Exception {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        System.out.println("READY " + port);
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the parent to close our input
        }
        server.stopAndWait();
        System.exit(0);
    }
}
