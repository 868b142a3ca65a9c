package io.github.sqsreliable.example.image.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The example's command line: {@code demo}, {@code serve} and {@code worker}.
 *
 * <pre>
 *   demo --images 200 --users 8      run everything embedded, upload, report
 *   serve                            the API, the gallery and the workers until Ctrl-C
 *   worker --sqs-endpoint URL ...    only the workers (for scaling out, or the crash demo)
 * </pre>
 */
@Command(name = "image-pipeline", mixinStandardHelpOptions = true,
        description = "An image pipeline on sqs-reliable: upload, resize (FIFO per user), catalog (idempotent).",
        subcommands = {DemoCommand.class, ServeCommand.class, WorkerCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status. */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((error, line, parsed) -> {
            Throwable shown = error;
            line.getErr().println("error: " + describe(shown));
            return shown instanceof IllegalArgumentException ? 2 : 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.toString() : message;
    }

    /** Sets slf4j-simple's levels unless the user did: quiet for the demo's progress bar, informative otherwise. */
    static void configureLogging(boolean quiet) {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", quiet ? "warn" : "info");
        setDefault("org.slf4j.simpleLogger.log.io.github.sqsreliable", quiet ? "error" : "info");
        // Each transient failure is logged at WARN with its stack trace by the library; the demo counts them.
        setDefault("org.slf4j.simpleLogger.log.io.github.sqsreliable.internal", quiet ? "error" : "warn");
        setDefault("org.slf4j.simpleLogger.log.org.elasticmq", "warn");
        setDefault("org.slf4j.simpleLogger.log.org.apache.pekko", "warn");
        setDefault("org.slf4j.simpleLogger.log.io.netty", "warn");
        setDefault("org.slf4j.simpleLogger.log.io.lettuce", "warn");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
