package io.github.sqsreliable.tools;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.internal.QueueUrls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@link Redrive} command line, parsed by hand (core takes no argument-parsing dependency). Both
 * {@code --flag value} and {@code --flag=value} are accepted.
 *
 * @param help whether {@code --help} (or {@code -h}) was given; then nothing else is checked
 * @param deadLetterQueueUrl {@code --dlq}
 * @param targetQueueUrl {@code --to}
 * @param errorClass {@code --error-class}
 * @param maxMessages {@code --max}
 * @param peek {@code --peek [N]}: how many to show, {@value #DEFAULT_PEEK} when N is left out
 * @param endpoint {@code --endpoint}
 * @param region {@code --region}
 */
record RedriveArguments(boolean help, String deadLetterQueueUrl, Optional<String> targetQueueUrl,
                        Optional<String> errorClass, OptionalLong maxMessages, OptionalInt peek,
                        Optional<URI> endpoint, Optional<String> region) {

    /** How many messages {@code --peek} shows without a number. */
    static final int DEFAULT_PEEK = 10;

    static final String USAGE = """
            Usage: Redrive --dlq URL [--to URL] [--error-class NAME] [--max N] [--endpoint URL] [--region NAME]
                   Redrive --dlq URL --peek [N] [--endpoint URL] [--region NAME]
                   Redrive --help

            Moves messages from an sqs-reliable dead-letter queue back to the queues they failed on, each
            without its sqsreliable.failure record. A message is deleted from the dead-letter queue only after
            its copy was accepted by the target.

              --dlq URL            the dead-letter queue (required)
              --to URL             send every message to this queue instead of its origin queue; needed for
                                   messages without a failure record, which are skipped otherwise
              --error-class NAME   move only messages whose failure's error class is NAME, fully qualified
                                   or simple (SocketTimeoutException); the others stay
              --max N              move at most N messages (default: all)
              --peek [N]           show up to N messages (default 10) without removing them; no bodies
              --endpoint URL       the SQS endpoint, e.g. http://localhost:9324 for ElasticMQ; with a
                                   loopback endpoint no credentials are needed
              --region NAME        the AWS region (default: the SDK's region chain, or us-east-1 with
                                   --endpoint)
              --help               show this text

            Exit status: 0 done, 1 some messages could not be moved (or SQS failed), 2 bad arguments.
            """;

    private static final List<String> TAKES_VALUE =
            List.of("--dlq", "--to", "--error-class", "--max", "--endpoint", "--region");

    /** The command line could not be understood; the message names the problem. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses a command line.
     *
     * @param args the arguments after the program name
     * @return the arguments; {@link #help()} set alone if help was asked for
     * @throws UsageException naming the first problem found
     */
    static RedriveArguments parse(String... args) throws UsageException {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return new RedriveArguments(true, null, Optional.empty(), Optional.empty(), OptionalLong.empty(),
                        OptionalInt.empty(), Optional.empty(), Optional.empty());
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        boolean peek = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument: " + arg);
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            String value = equals < 0 ? null : arg.substring(equals + 1);
            boolean peekFlag = name.equals("--peek");
            if (!peekFlag && !TAKES_VALUE.contains(name)) {
                throw new UsageException("unknown option: " + name);
            }
            if (values.containsKey(name) || (peekFlag && peek)) {
                throw new UsageException(name + " is given more than once");
            }
            // A value may follow as the next argument; for --peek only if it is not the next option.
            if (value == null && i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            }
            if (peekFlag) {
                peek = true;
                if (value != null) {
                    values.put(name, value);
                }
            } else if (value == null || value.isEmpty()) {
                throw new UsageException(name + " needs a value");
            } else {
                values.put(name, value);
            }
        }

        String dlq = values.get("--dlq");
        if (dlq == null) {
            throw new UsageException("--dlq is required");
        }
        requireQueueUrl("--dlq", dlq);
        Optional<String> to = Optional.ofNullable(values.get("--to"));
        if (to.isPresent()) {
            requireQueueUrl("--to", to.get());
            if (to.get().equals(dlq)) {
                throw new UsageException("--to must not be the dead-letter queue itself");
            }
        }
        Optional<String> errorClass = Optional.ofNullable(values.get("--error-class"));
        if (errorClass.isPresent() && errorClass.get().chars().anyMatch(Character::isWhitespace)) {
            throw new UsageException("--error-class (" + errorClass.get() + ") must be a class name without spaces");
        }
        OptionalLong max = values.containsKey("--max")
                ? OptionalLong.of(positive("--max", values.get("--max"), Long.MAX_VALUE)) : OptionalLong.empty();
        OptionalInt peekCount = !peek ? OptionalInt.empty()
                : OptionalInt.of(values.containsKey("--peek")
                        ? (int) positive("--peek", values.get("--peek"), Integer.MAX_VALUE) : DEFAULT_PEEK);
        if (peek) {
            for (String redriveOnly : List.of("--to", "--error-class", "--max")) {
                if (values.containsKey(redriveOnly)) {
                    throw new UsageException("--peek cannot be combined with " + redriveOnly);
                }
            }
        }
        Optional<URI> endpoint = Optional.empty();
        if (values.containsKey("--endpoint")) {
            endpoint = Optional.of(endpoint(values.get("--endpoint")));
        }
        Optional<String> region = Optional.ofNullable(values.get("--region"));
        if (region.isPresent() && !region.get().matches("[a-z0-9-]+")) {
            throw new UsageException("--region (" + region.get() + ") must be a region name such as eu-west-1");
        }
        return new RedriveArguments(false, dlq, to, errorClass, max, peekCount, endpoint, region);
    }

    /** @return whether the endpoint is on this machine, where a local SQS (ElasticMQ) needs no credentials */
    boolean endpointIsLoopback() {
        if (endpoint.isEmpty()) {
            return false;
        }
        String host = endpoint.get().getHost();
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1");
    }

    private static void requireQueueUrl(String option, String url) throws UsageException {
        try {
            QueueUrls.requireQueueUrl(option, url);
        } catch (InvalidConfigurationException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static URI endpoint(String value) throws UsageException {
        String problem = "--endpoint (" + value + ") must be an http(s) URL such as http://localhost:9324";
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
                    || uri.getScheme().equalsIgnoreCase("https")) || uri.getHost() == null) {
                throw new UsageException(problem);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException(problem);
        }
    }

    private static long positive(String option, String value, long max) throws UsageException {
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with the value
        }
        throw new UsageException(option + " (" + value + ") must be a whole number "
                + (max == Long.MAX_VALUE ? "of at least 1" : "from 1 to " + max));
    }
}
