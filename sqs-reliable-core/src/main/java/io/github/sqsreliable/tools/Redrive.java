package io.github.sqsreliable.tools;

import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.retry.FailureRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * The command line of {@link DeadLetterRedrive}:
 *
 * <pre>
 * Redrive --dlq URL [--to URL] [--error-class NAME] [--max N] [--endpoint URL] [--region NAME]
 * Redrive --dlq URL --peek [N] [--endpoint URL] [--region NAME]
 * Redrive --help
 * </pre>
 *
 * <p>{@code --peek} prints one tab-separated line per message (id, error class, attempts, dead-letter reason,
 * origin queue, dead-lettered at, error message; never the body) and removes nothing. A redrive prints its
 * progress to standard error and a summary to standard output. Exit status: 0 when done, 1 when a message
 * could not be moved or SQS failed, 2 for bad arguments. See {@code docs/redrive.md}.
 *
 * <p>Credentials and region come from the AWS SDK's default chains. With an {@code --endpoint} on this machine
 * (localhost, 127.x, ::1) requests go unsigned, as a local ElasticMQ needs no credentials, and the region
 * defaults to us-east-1.
 */
public final class Redrive {

    /** Exit status: done. */
    static final int OK = 0;
    /** Exit status: some messages could not be moved, or SQS failed. */
    static final int FAILED = 1;
    /** Exit status: the command line was wrong. */
    static final int USAGE = 2;

    private Redrive() {
    }

    /**
     * Runs the command and exits the JVM with its status.
     *
     * @param args see {@link Redrive}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command without exiting: for tests and for embedding.
     *
     * @return the exit status
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        RedriveArguments arguments;
        try {
            arguments = RedriveArguments.parse(args);
        } catch (RedriveArguments.UsageException e) {
            err.println("redrive: " + e.getMessage());
            err.println();
            err.print(RedriveArguments.USAGE);
            return USAGE;
        }
        if (arguments.help()) {
            out.print(RedriveArguments.USAGE);
            return OK;
        }
        SqsAsyncClient client;
        try {
            client = newClient(arguments);
        } catch (SdkException e) {
            // Most often no region anywhere in the SDK's chain.
            err.println("redrive: cannot create the SQS client (pass --region?): " + e.getMessage());
            return USAGE;
        }
        try (client) {
            return run(arguments, client, out, err);
        }
    }

    /** Runs parsed arguments against a client it does not close. */
    static int run(RedriveArguments arguments, SqsAsyncClient client, PrintStream out, PrintStream err) {
        DeadLetterRedrive redrive = DeadLetterRedrive.builder()
                .sqsClient(client)
                .deadLetterQueueUrl(arguments.deadLetterQueueUrl())
                .build();
        try {
            if (arguments.peek().isPresent()) {
                return peek(redrive, arguments.peek().getAsInt(), out, err);
            }
            return redrive(redrive, arguments, out, err);
        } catch (SqsReliableException e) {
            err.println("redrive: " + e.getMessage());
            return FAILED;
        }
    }

    private static int peek(DeadLetterRedrive redrive, int max, PrintStream out, PrintStream err) {
        List<DeadLetter> letters = redrive.peek(max);
        out.println(String.join("\t", "messageId", "errorClass", "attempts", "deadLetterReason", "originQueueUrl",
                "deadLetteredAt", "errorMessage"));
        for (DeadLetter letter : letters) {
            out.println(peekLine(letter));
        }
        err.println(letters.size() + " message(s) shown from " + redrive.deadLetterQueueUrl()
                + "; none was removed");
        return OK;
    }

    /** One line per message, tab-separated, "-" for what is unknown; never the body. */
    static String peekLine(DeadLetter letter) {
        if (letter.failure().isEmpty()) {
            String note = letter.problem().map(problem -> "(unreadable failure record: " + problem + ")")
                    .orElse("(no failure record)");
            return String.join("\t", letter.messageId(), "-", "-", "-", "-", "-", note);
        }
        FailureRecord failure = letter.failure().get();
        return String.join("\t", letter.messageId(), failure.errorClass(), Integer.toString(failure.attempts()),
                Objects.toString(failure.deadLetterReason(), "-"), failure.originQueueUrl(),
                Objects.toString(failure.deadLetteredAt(), "-"),
                failure.errorMessage().isEmpty() ? "-" : failure.errorMessage());
    }

    private static int redrive(DeadLetterRedrive redrive, RedriveArguments arguments, PrintStream out,
                               PrintStream err) {
        RedriveRequest.Builder request = RedriveRequest.builder()
                .targetQueueUrl(arguments.targetQueueUrl().orElse(null))
                .errorClass(arguments.errorClass().orElse(null));
        arguments.maxMessages().ifPresent(request::maxMessages);
        ProgressLine progress = new ProgressLine(err);
        RedriveResult result;
        try {
            result = redrive.redrive(request.build(), progress);
        } finally {
            progress.finish();
        }
        out.println(summary(result));
        result.movedByTarget().forEach((target, count) -> out.println("  " + count + " to " + target));
        if (result.skipped() > 0) {
            out.println("  " + result.skipped() + " skipped: still in " + redrive.deadLetterQueueUrl());
        }
        for (RedriveResult.Failure failure : result.failures()) {
            err.println("failed: " + failure.messageId() + ": " + failure.reason());
        }
        if (result.failed() > result.failures().size()) {
            err.println("failed: " + (result.failed() - result.failures().size()) + " more not listed");
        }
        if (result.sentButNotDeleted() > 0) {
            err.println(result.sentButNotDeleted() + " message(s) reached their target but are still in "
                    + redrive.deadLetterQueueUrl() + ": a later redrive would send them again");
        }
        return result.succeeded() ? OK : FAILED;
    }

    static String summary(RedriveResult result) {
        return "moved " + result.moved() + ", skipped " + result.skipped() + ", failed " + result.failed()
                + " in " + seconds(result.elapsed());
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** A progress line on standard error, rewritten in place with a carriage return. */
    private static final class ProgressLine implements java.util.function.Consumer<RedriveProgress> {
        private final PrintStream err;
        private int lastLength;

        ProgressLine(PrintStream err) {
            this.err = err;
        }

        @Override
        public void accept(RedriveProgress progress) {
            String line = "moved " + progress.moved() + ", skipped " + progress.skipped() + ", failed "
                    + progress.failed() + " (" + seconds(progress.elapsed()) + ")";
            // Pad over the end of a longer previous line.
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            err.flush();
            lastLength = line.length();
        }

        void finish() {
            if (lastLength > 0) {
                err.println();
            }
        }
    }

    private static SqsAsyncClient newClient(RedriveArguments arguments) {
        SqsAsyncClientBuilder builder = SqsAsyncClient.builder();
        arguments.endpoint().ifPresent(builder::endpointOverride);
        if (arguments.region().isPresent()) {
            builder.region(Region.of(arguments.region().get()));
        } else if (arguments.endpoint().isPresent()) {
            // A custom endpoint needs a region only for signing; us-east-1 is what local SQS servers expect.
            builder.region(Region.US_EAST_1);
        }
        if (arguments.endpointIsLoopback()) {
            // A local SQS does not check signatures; a remote endpoint (a VPC endpoint) is real SQS and does.
            builder.credentialsProvider(AnonymousCredentialsProvider.create());
        }
        return builder.build();
    }
}
