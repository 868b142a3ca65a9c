package io.github.sqsreliable.benchmarks.sqs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LatencyProxy} in a JVM of its own, started as {@link ElasticMqProcess} starts ElasticMQ: a child
 * process of the benchmark, so that its CPU counts with the servers' (start it before
 * {@link io.github.sqsreliable.benchmarks.measure.ServerCpu#ofChildProcesses()}), never as the consumer's.
 */
public final class LatencyProxyProcess implements AutoCloseable {

    /** The default delay each way: about 20 ms per request, as SQS within a region. */
    public static final Duration DEFAULT_DELAY_EACH_WAY = Duration.ofMillis(10);
    /** The proxy JVM's options: small fixed heap (it holds 10 ms of traffic) and a quiet collector. */
    public static final List<String> JVM_OPTIONS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC",
            "-XX:ParallelGCThreads=1");

    private final Process process;
    private final URI endpoint;
    private final Duration delayEachWay;

    private LatencyProxyProcess(Process process, URI endpoint, Duration delayEachWay) {
        this.process = process;
        this.endpoint = endpoint;
        this.delayEachWay = delayEachWay;
    }

    /**
     * Starts the proxy JVM with this JVM's class path and waits until it listens.
     *
     * @param upstream the server to proxy (loopback)
     * @param delayEachWay how long each byte is held in each direction
     */
    public static LatencyProxyProcess start(URI upstream, Duration delayEachWay) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LatencyProxy.class.getName());
        command.add(upstream.getHost());
        command.add(Integer.toString(upstream.getPort()));
        command.add(Double.toString(delayEachWay.toNanos() / 1e6));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the latency proxy JVM", e);
        }
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = output.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    URI endpoint = URI.create("http://127.0.0.1:" + line.substring("READY ".length()).trim());
                    return new LatencyProxyProcess(process, endpoint, delayEachWay);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("could not read the latency proxy JVM's output", e);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the latency proxy JVM exited before listening");
    }

    /** Where clients connect to reach the server with the delay. */
    public URI endpoint() {
        return endpoint;
    }

    /** The delay each way it was started with. */
    public Duration delayEachWay() {
        return delayEachWay;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
