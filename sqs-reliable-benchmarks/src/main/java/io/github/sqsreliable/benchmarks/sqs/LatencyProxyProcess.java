package io.github.sqsreliable.benchmarks.sqs;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A {@link LatencyProxy} in a JVM of its own ({@link ServerJvm}), as ElasticMQ runs in its own: a child
 * process of the benchmark, so that its CPU counts with the servers' (start it before
 * {@link io.github.sqsreliable.benchmarks.measure.ServerCpu#ofChildProcesses()}), never as the consumer's.
 */
public final class LatencyProxyProcess implements AutoCloseable {

    /** The default delay each way: about 20 ms per request, as SQS within a region. */
    public static final Duration DEFAULT_DELAY_EACH_WAY = Duration.ofMillis(10);
    /** The proxy JVM's options: small fixed heap (it holds 10 ms of traffic) and a quiet collector. */
    public static final List<String> JVM_OPTIONS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC",
            "-XX:ParallelGCThreads=1");

    private final ServerJvm jvm;
    private final Duration delayEachWay;

    private LatencyProxyProcess(ServerJvm jvm, Duration delayEachWay) {
        this.jvm = jvm;
        this.delayEachWay = delayEachWay;
    }

    /**
     * Starts the proxy JVM with this JVM's class path and waits until it listens.
     *
     * @param upstream the server to proxy (loopback)
     * @param delayEachWay how long each byte is held in each direction
     */
    public static LatencyProxyProcess start(URI upstream, Duration delayEachWay) {
        return new LatencyProxyProcess(ServerJvm.start("latency proxy", JVM_OPTIONS, LatencyProxy.class,
                List.of(upstream.getHost(), Integer.toString(upstream.getPort()),
                        Double.toString(delayEachWay.toNanos() / 1e6))), delayEachWay);
    }

    /** Where clients connect to reach the server with the delay. */
    public URI endpoint() {
        return jvm.endpoint();
    }

    /** The delay each way it was started with. */
    public Duration delayEachWay() {
        return delayEachWay;
    }

    @Override
    public void close() {
        jvm.close();
    }
}
