package io.github.sqsreliable.benchmarks.sqs;

import io.github.sqsreliable.test.EmbeddedSqs;

/**
 * Runs the test kit's embedded SQS (ElasticMQ) alone in its JVM, for {@link ElasticMqProcess}: prints
 * {@code READY <port>} once listening, and stops when its standard input closes (the parent died or closed it).
 */
public final class ElasticMqServerMain {

    private ElasticMqServerMain() {
    }

    /** @param args none */
    public static void main(String[] args) throws Exception {
        try (EmbeddedSqs server = EmbeddedSqs.start(0)) {
            System.out.println("READY " + server.endpoint().getPort());
            System.out.flush();
            while (System.in.read() != -1) {
                // wait for the parent to close our input
            }
        }
        System.exit(0);
    }
}
