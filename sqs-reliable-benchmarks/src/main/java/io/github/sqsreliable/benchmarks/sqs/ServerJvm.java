package io.github.sqsreliable.benchmarks.sqs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server in a child JVM on this JVM's class path: started with its options, ready once it prints
 * {@code READY <port>}, its further output discarded, and stopped by closing its input. A child process, so that
 * {@link io.github.sqsreliable.benchmarks.measure.ServerCpu#ofChildProcesses()} counts its CPU with the servers'.
 */
final class ServerJvm implements AutoCloseable {

    private final Process process;
    private final URI endpoint;

    private ServerJvm(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /**
     * Starts {@code mainClass} and waits until it listens.
     *
     * @param name what it is, for errors and its output thread's name, e.g. {@code "ElasticMQ"}
     */
    static ServerJvm start(String name, List<String> jvmOptions, Class<?> mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(arguments);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the " + name + " JVM", e);
        }
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = output.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    URI endpoint = URI.create("http://127.0.0.1:" + line.substring("READY ".length()).trim());
                    Thread drain = new Thread(() -> drain(output), name.toLowerCase().replace(' ', '-') + "-output");
                    drain.setDaemon(true);
                    drain.start();
                    return new ServerJvm(process, endpoint);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("could not read the " + name + " JVM's output", e);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the " + name + " JVM exited before listening");
    }

    /** Where it listens. */
    URI endpoint() {
        return endpoint;
    }

    /** Closes its input, which ends it; forcibly after 10 s. */
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
