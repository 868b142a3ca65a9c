package io.github.sqsreliable.benchmarks.sqs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ElasticMQ in a JVM of its own. Separate, so that the consumer JVM's CPU time and heap measure the consumer
 * only, and so that the server's JIT and GC state does not depend on which client ran before it.
 */
public final class ElasticMqProcess implements AutoCloseable {

    /** The server JVM's options: fixed heap, so its GC behaves the same in every run. */
    public static final List<String> JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    private final Process process;
    private final URI endpoint;

    private ElasticMqProcess(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts the server JVM with this JVM's class path and waits until it listens. */
    public static ElasticMqProcess start() {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ElasticMqServerMain.class.getName());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the ElasticMQ JVM", e);
        }
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = output.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    URI endpoint = URI.create("http://127.0.0.1:" + line.substring("READY ".length()).trim());
                    Thread drain = new Thread(() -> drain(output), "elasticmq-output");
                    drain.setDaemon(true);
                    drain.start();
                    return new ElasticMqProcess(process, endpoint);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("could not read the ElasticMQ JVM's output", e);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the ElasticMQ JVM exited before listening");
    }

    /** Where it listens. */
    public URI endpoint() {
        return endpoint;
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

    private static void drain(BufferedReader output) {
        try {
            while (output.readLine() != null) {
                // discard: the server's output is not part of the results
            }
        } catch (IOException e) {
            // the server is gone
        }
    }
}
