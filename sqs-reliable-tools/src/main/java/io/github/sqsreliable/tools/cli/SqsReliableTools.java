package io.github.sqsreliable.tools.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code sqs-reliable-tools} command: the runnable jar's main class, which hands over to a subcommand.
 *
 * <pre>
 * java -jar sqs-reliable-tools.jar redrive --dlq URL --peek 20
 * java -jar sqs-reliable-tools.jar redrive --help
 * java -jar sqs-reliable-tools.jar --help
 * </pre>
 *
 * <p>Exit status: {@value #OK} when done, {@value #FAILED} when the command failed (a message could not be
 * moved, SQS failed), {@value #USAGE} for a bad command line, which is named on standard error with the usage
 * after it. Without a command it prints its usage, which lists the commands, and exits with {@value #USAGE}.
 *
 * <p>Not meant to be instantiated: picocli creates it.
 */
@Command(name = "sqs-reliable-tools",
        mixinStandardHelpOptions = true,
        versionProvider = SqsReliableTools.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Operator commands for sqs-reliable queues.",
        subcommands = {RedriveCommand.class, HelpCommand.class},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'sqs-reliable-tools COMMAND --help' for a command's options.",
                "Exit status: 0 done, 1 failed, 2 bad arguments."})
public final class SqsReliableTools implements Callable<Integer> {

    /** Exit status: done. */
    static final int OK = 0;
    /** Exit status: the command failed (some messages could not be moved, or SQS failed). */
    static final int FAILED = 1;
    /** Exit status: the command line was wrong. */
    static final int USAGE = 2;

    @Spec
    private CommandSpec spec;

    private SqsReliableTools() {
    }

    /**
     * Runs the command line and exits the JVM with its status.
     *
     * @param args a command and its options, e.g. {@code redrive --dlq URL --peek 20}
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(args, out, err));
    }

    /**
     * Runs the command line without exiting: for tests.
     *
     * @return the exit status
     */
    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        try {
            return commandLine(out, err).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command tree with its exit codes and error handling; printing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return new CommandLine(new SqsReliableTools())
                .setOut(out)
                .setErr(err)
                // An unexpected exception prints its stack trace and exits with picocli's default, 1 (FAILED).
                .setParameterExceptionHandler(SqsReliableTools::usageError);
    }

    /** Names the problem on standard error, then the usage of the command it concerns. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getCommandName() + ": " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println();
        command.usage(err);
        return USAGE;
    }

    /** Without a command: the usage, which lists the commands, as a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    /** The version in the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SqsReliableTools.class.getPackage().getImplementationVersion();
            return new String[] {"sqs-reliable-tools " + (version == null ? "(development build)" : version)};
        }
    }
}
