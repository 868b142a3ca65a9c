package io.github.sqsreliable.tools.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A command line run in this JVM as {@code java -jar sqs-reliable-tools.jar} runs it, without exiting.
 *
 * @param status the exit status
 * @param out what it printed on standard output
 * @param err what it printed on standard error
 */
record CommandRun(int status, String out, String err) {

    static CommandRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SqsReliableTools.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CommandRun(status, out.toString(), err.toString());
    }
}
