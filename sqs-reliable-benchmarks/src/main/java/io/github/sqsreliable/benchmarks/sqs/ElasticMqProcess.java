package io.github.sqsreliable.benchmarks.sqs;

import java.net.URI;
import java.util.List;

/**
 * ElasticMQ in a JVM of its own. Separate, so that the consumer JVM's CPU time and heap measure the consumer
 * only, and so that the server's JIT and GC state does not depend on which client ran before it.
 */
public final class ElasticMqProcess implements AutoCloseable {

    /** The server JVM's options: fixed heap, so its GC behaves the same in every run. */
    public static final List<String> JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    private final ServerJvm jvm;

    private ElasticMqProcess(ServerJvm jvm) {
        this.jvm = jvm;
    }

    /** Starts the server JVM with this JVM's class path and waits until it listens. */
    public static ElasticMqProcess start() {
        return new ElasticMqProcess(ServerJvm.start("ElasticMQ", JVM_OPTIONS, ElasticMqServerMain.class, List.of()));
    }

    /** Where it listens. */
    public URI endpoint() {
        return jvm.endpoint();
    }

    @Override
    public void close() {
        jvm.close();
    }
}
