package io.github.sqsreliable.example.image.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's workers in a child JVM ({@code worker} command, same class path), so that the crash demo can
 * lose a whole process and start a new one. Output goes to a log file per start.
 */
final class WorkerProcess implements AutoCloseable {

    private final List<String> workerArguments;
    private final Path logDirectory;
    private Process process;
    private int starts;

    /**
     * @param workerArguments the arguments after {@code worker}
     * @param logDirectory where {@code worker-N.log} files go
     */
    WorkerProcess(List<String> workerArguments, Path logDirectory) {
        this.workerArguments = List.copyOf(workerArguments);
        this.logDirectory = logDirectory;
    }

    /** Starts a new child with the given extra arguments. */
    synchronized void start(List<String> extraArguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.github.sqsreliable.example.image.cli.Main");
        command.add("worker");
        command.addAll(workerArguments);
        command.addAll(extraArguments);
        starts++;
        File log = logDirectory.resolve("worker-" + starts + ".log").toFile();
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the worker JVM", e);
        }
    }

    /** Whether the current child is running. */
    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The current child's exit status; only when not {@link #alive()}. */
    synchronized int exitStatus() {
        return process.exitValue();
    }

    /** How many children were started. */
    synchronized int starts() {
        return starts;
    }

    /** Asks the child to stop (SIGTERM: its shutdown hook drains), then kills it if it does not. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
