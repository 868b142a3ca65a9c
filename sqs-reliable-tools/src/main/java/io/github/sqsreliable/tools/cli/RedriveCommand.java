package io.github.sqsreliable.tools.cli;

import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.tools.DeadLetter;
import io.github.sqsreliable.tools.DeadLetterRedrive;
import io.github.sqsreliable.tools.RedriveRequest;
import io.github.sqsreliable.tools.RedriveResult;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The {@code redrive} command: the command line of {@link DeadLetterRedrive}.
 *
 * <pre>
 * sqs-reliable-tools redrive --dlq URL [--to URL] [--error-class NAME] [--max N] [--endpoint URL] [--region NAME]
 * sqs-reliable-tools redrive --dlq URL --peek [N] [--endpoint URL] [--region NAME]
 * sqs-reliable-tools redrive --help
 * </pre>
 *
 * <p>{@code --peek} prints one tab-separated line per message (id, error class, attempts, dead-letter reason,
 * origin queue, dead-lettered at, error message; never the body) and removes nothing. A redrive rewrites a
 * progress line on standard error and prints a summary on standard output. Exit status: 0 when done, 1 when a
 * message could not be moved or SQS failed, 2 for bad arguments or when no region can be found.
 *
 * <p>Credentials and region come from the AWS SDK's default chains. With an {@code --endpoint} on this machine
 * (localhost, 127.x, ::1) requests go unsigned, as a local ElasticMQ needs no credentials, and the region
 * defaults to us-east-1.
 *
 * <p>picocli creates one instance per command line and sets its options; to embed the command in another
 * picocli application, add {@code new RedriveCommand()} as a subcommand. Not thread-safe.
 */
@Command(name = "redrive",
        sortOptions = false,
        header = "Peek at a dead-letter queue, or move its messages back.",
        synopsisHeading = "%nUsage: ",
        customSynopsis = {
                "sqs-reliable-tools redrive --dlq URL [--to URL] [--error-class NAME]",
                "                                  [--max N] [--endpoint URL] [--region NAME]",
                "       sqs-reliable-tools redrive --dlq URL --peek [N]",
                "                                  [--endpoint URL] [--region NAME]",
                "       sqs-reliable-tools redrive --help"},
        descriptionHeading = "%n",
        description = "Moves messages from an sqs-reliable dead-letter queue back to the queues they failed on, "
                + "each without its sqsreliable.failure record. A message is deleted from the dead-letter queue "
                + "only after its copy was accepted by the target.",
        optionListHeading = "%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:done; skipped messages do not count as failures",
                "1:some messages could not be moved, or SQS failed",
                "2:bad arguments, or no region found"},
        footer = {"", "Flags also accept --flag=value. See docs/redrive.md."})
public final class RedriveCommand implements Callable<Integer> {

    /** How many messages {@code --peek} shows without a number. */
    static final int DEFAULT_PEEK = 10;

    @Spec
    private CommandSpec spec;

    @Option(names = "--dlq", required = true, paramLabel = "URL", description = "the dead-letter queue (required)")
    private String deadLetterQueueUrl;

    @Option(names = "--to", paramLabel = "URL", description = "send every message to this queue instead of its "
            + "origin queue; needed for messages without a failure record, which are skipped otherwise")
    private String targetQueueUrl;

    @Option(names = "--error-class", paramLabel = "NAME", description = "move only messages whose failure's "
            + "error class is NAME, fully qualified or simple (SocketTimeoutException); the others stay")
    private String errorClass;

    @Option(names = "--max", paramLabel = "N", description = "move at most N messages (default: all)")
    private String maxMessages;

    @Option(names = "--peek", paramLabel = "N", arity = "0..1", fallbackValue = "" + DEFAULT_PEEK,
            description = "show up to N messages (default " + DEFAULT_PEEK + ") without removing them; no bodies")
    private String peek;

    @Option(names = "--endpoint", paramLabel = "URL", description = "the SQS endpoint, e.g. http://localhost:9324 "
            + "for ElasticMQ; with a loopback endpoint no credentials are needed")
    private String endpoint;

    @Option(names = "--region", paramLabel = "NAME", description = "the AWS region (default: the SDK's region "
            + "chain, or us-east-1 with --endpoint)")
    private String region;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this text")
    private boolean help;

    /** Used by picocli, or to add this command to another picocli application. */
    public RedriveCommand() {
    }

    /**
     * Checks the options, then peeks or redrives.
     *
     * @return the exit status
     * @throws ParameterException for options that cannot be used, which picocli reports as a usage error
     */
    @Override
    public Integer call() {
        RedriveOptions options = options();
        PrintWriter err = spec.commandLine().getErr();
        SqsAsyncClient client;
        try {
            client = SqsClients.create(options);
        } catch (SdkException e) {
            // Most often no region anywhere in the SDK's chain.
            err.println("redrive: cannot create the SQS client (pass --region?): " + e.getMessage());
            return SqsReliableTools.USAGE;
        }
        try (client) {
            return run(options, client, spec.commandLine().getOut(), err);
        }
    }

    /** Runs checked options against a client it does not close. */
    static int run(RedriveOptions options, SqsAsyncClient client, PrintWriter out, PrintWriter err) {
        DeadLetterRedrive redrive = DeadLetterRedrive.builder()
                .sqsClient(client)
                .deadLetterQueueUrl(options.deadLetterQueueUrl())
                .build();
        try {
            if (options.peek().isPresent()) {
                return peek(redrive, options.peek().getAsInt(), out, err);
            }
            return redrive(redrive, options, out, err);
        } catch (SqsReliableException e) {
            err.println("redrive: " + e.getMessage());
            return SqsReliableTools.FAILED;
        }
    }

    /**
     * The options as values, checked beyond what picocli checks (which does arity, unknown options, repeats).
     *
     * @throws ParameterException naming the first problem found
     */
    RedriveOptions options() {
        requireQueueUrl("--dlq", deadLetterQueueUrl);
        Optional<String> to = Optional.ofNullable(targetQueueUrl);
        if (to.isPresent()) {
            requireQueueUrl("--to", to.get());
            if (to.get().equals(deadLetterQueueUrl)) {
                throw usage("--to must not be the dead-letter queue itself");
            }
        }
        Optional<String> errorClassName = Optional.ofNullable(errorClass);
        if (errorClassName.isPresent() && (errorClassName.get().isEmpty()
                || errorClassName.get().chars().anyMatch(Character::isWhitespace))) {
            throw usage("--error-class (" + errorClassName.get() + ") must be a class name without spaces");
        }
        OptionalLong max = maxMessages == null ? OptionalLong.empty()
                : OptionalLong.of(positive("--max", maxMessages, Long.MAX_VALUE));
        OptionalInt peekCount = peek == null ? OptionalInt.empty()
                : OptionalInt.of((int) positive("--peek", peek, Integer.MAX_VALUE));
        if (peek != null) {
            if (targetQueueUrl != null) {
                throw usage("--peek cannot be combined with --to");
            }
            if (errorClass != null) {
                throw usage("--peek cannot be combined with --error-class");
            }
            if (maxMessages != null) {
                throw usage("--peek cannot be combined with --max");
            }
        }
        Optional<URI> endpointUri = endpoint == null ? Optional.empty() : Optional.of(endpoint(endpoint));
        Optional<String> regionName = Optional.ofNullable(region);
        if (regionName.isPresent() && !regionName.get().matches("[a-z0-9-]+")) {
            throw usage("--region (" + regionName.get() + ") must be a region name such as eu-west-1");
        }
        return new RedriveOptions(deadLetterQueueUrl, to, errorClassName, max, peekCount, endpointUri, regionName);
    }

    private static int peek(DeadLetterRedrive redrive, int max, PrintWriter out, PrintWriter err) {
        List<DeadLetter> letters = redrive.peek(max);
        out.println(String.join("\t", "messageId", "errorClass", "attempts", "deadLetterReason", "originQueueUrl",
                "deadLetteredAt", "errorMessage"));
        for (DeadLetter letter : letters) {
            out.println(peekLine(letter));
        }
        err.println(letters.size() + " message(s) shown from " + redrive.deadLetterQueueUrl()
                + "; none was removed");
        return SqsReliableTools.OK;
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

    private static int redrive(DeadLetterRedrive redrive, RedriveOptions options, PrintWriter out,
                               PrintWriter err) {
        RedriveRequest.Builder request = RedriveRequest.builder()
                .targetQueueUrl(options.targetQueueUrl().orElse(null))
                .errorClass(options.errorClass().orElse(null));
        options.maxMessages().ifPresent(request::maxMessages);
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
        return result.succeeded() ? SqsReliableTools.OK : SqsReliableTools.FAILED;
    }

    static String summary(RedriveResult result) {
        return "moved " + result.moved() + ", skipped " + result.skipped() + ", failed " + result.failed()
                + " in " + ProgressLine.seconds(result.elapsed());
    }

    private ParameterException usage(String problem) {
        return new ParameterException(spec.commandLine(), problem);
    }

    /** The same rule as the library's builders: an http(s) URL whose path ends with a queue name. */
    private void requireQueueUrl(String option, String url) {
        URI uri = parseUri(url);
        String path = uri == null ? null : uri.getPath();
        if (!isHttp(uri) || path == null || path.substring(path.lastIndexOf('/') + 1).isBlank()) {
            throw usage(option + " (" + url + ") must be a queue URL such as "
                    + "https://sqs.us-east-1.amazonaws.com/123456789012/orders");
        }
    }

    private URI endpoint(String value) {
        URI uri = parseUri(value);
        if (!isHttp(uri)) {
            throw usage("--endpoint (" + value + ") must be an http(s) URL such as http://localhost:9324");
        }
        return uri;
    }

    /** @return the URI, or null if the text is not one */
    private static URI parseUri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static boolean isHttp(URI uri) {
        return uri != null && uri.getScheme() != null && (uri.getScheme().equalsIgnoreCase("http")
                || uri.getScheme().equalsIgnoreCase("https")) && uri.getHost() != null;
    }

    private long positive(String option, String value, long max) {
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with the value
        }
        throw usage(option + " (" + value + ") must be a whole number "
                + (max == Long.MAX_VALUE ? "of at least 1" : "from 1 to " + max));
    }
}
