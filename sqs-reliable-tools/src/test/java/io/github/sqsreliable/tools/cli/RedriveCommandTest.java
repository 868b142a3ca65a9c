package io.github.sqsreliable.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.tools.DeadLetter;
import io.github.sqsreliable.tools.RedriveResult;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The redrive command line: its options, usage errors and the exit status they give, and its output's lines. */
class RedriveCommandTest {

    private static final String DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq";
    private static final String TARGET = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders";

    private static RedriveOptions parse(String... args) {
        RedriveCommand command = new RedriveCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Test
    void parsesEveryRedriveOption() {
        RedriveOptions options = parse("--dlq", DLQ, "--to", TARGET, "--error-class", "IOException", "--max", "25",
                "--endpoint", "http://localhost:9324", "--region", "eu-west-1");

        assertThat(options.deadLetterQueueUrl()).isEqualTo(DLQ);
        assertThat(options.targetQueueUrl()).contains(TARGET);
        assertThat(options.errorClass()).contains("IOException");
        assertThat(options.maxMessages()).hasValue(25);
        assertThat(options.peek()).isEmpty();
        assertThat(options.endpoint()).contains(URI.create("http://localhost:9324"));
        assertThat(options.region()).contains("eu-west-1");
    }

    @Test
    void acceptsOptionEqualsValue() {
        RedriveOptions options = parse("--dlq=" + DLQ, "--max=3");

        assertThat(options.deadLetterQueueUrl()).isEqualTo(DLQ);
        assertThat(options.maxMessages()).hasValue(3);
    }

    @Test
    void leavesOptionalOptionsEmpty() {
        RedriveOptions options = parse("--dlq", DLQ);

        assertThat(options.targetQueueUrl()).isEmpty();
        assertThat(options.errorClass()).isEmpty();
        assertThat(options.maxMessages()).isEmpty();
        assertThat(options.peek()).isEmpty();
        assertThat(options.endpoint()).isEmpty();
        assertThat(options.region()).isEmpty();
    }

    @Test
    void peekWithoutNumberShowsTen() {
        assertThat(parse("--peek", "--dlq", DLQ).peek()).hasValue(10);
        assertThat(parse("--dlq", DLQ, "--peek").peek()).hasValue(10);
    }

    @Test
    void peekTakesANumber() {
        assertThat(parse("--dlq", DLQ, "--peek", "3").peek()).hasValue(3);
        assertThat(parse("--peek=7", "--dlq", DLQ).peek()).hasValue(7);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                          | Missing required option: '--dlq=URL'",
            "--to " + TARGET + "                          | Missing required option: '--dlq=URL'",
            "--dlq                                       | Missing required parameter for option '--dlq' (URL)",
            "--dlq --max 3                               | Expected parameter for option '--dlq' but found '--max'",
            "--dlq=                                      | --dlq () must be a queue URL",
            "--dlq orders-dlq                            | --dlq (orders-dlq) must be a queue URL",
            "--dlq " + DLQ + " --to ftp://x/1/q          | --to (ftp://x/1/q) must be a queue URL",
            "--dlq " + DLQ + " --to " + DLQ + "          | --to must not be the dead-letter queue itself",
            "--dlq " + DLQ + " --max 0                   | --max (0) must be a whole number of at least 1",
            "--dlq " + DLQ + " --max ten                 | --max (ten) must be a whole number of at least 1",
            "--dlq " + DLQ + " --max -1                  | --max (-1) must be a whole number of at least 1",
            "--dlq " + DLQ + " --max 99999999999999999999 | --max (99999999999999999999) must be a whole number",
            "--dlq " + DLQ + " --peek 0                  | --peek (0) must be a whole number from 1 to 2147483647",
            "--dlq " + DLQ + " --peek many               | --peek (many) must be a whole number from 1",
            "--dlq " + DLQ + " --peek 99999999999        | --peek (99999999999) must be a whole number from 1",
            "--dlq " + DLQ + " --peek --to " + TARGET + " | --peek cannot be combined with --to",
            "--dlq " + DLQ + " --peek 5 --max 5          | --peek cannot be combined with --max",
            "--dlq " + DLQ + " --peek --error-class E    | --peek cannot be combined with --error-class",
            "--dlq " + DLQ + " --endpoint localhost:9324 | --endpoint (localhost:9324) must be an http(s) URL",
            "--dlq " + DLQ + " --region EU_WEST_1        | --region (EU_WEST_1) must be a region name",
            "--dlq " + DLQ + " --dlq " + DLQ + "         | option '--dlq' (URL) should be specified only once",
            "--dlq " + DLQ + " --peek --peek             | option '--peek' (N) should be specified only once",
            "--dlq " + DLQ + " --force                   | Unknown option: '--force'",
            "--dlq " + DLQ + " extra                     | Unmatched argument at index 3: 'extra'",
            "--dlq " + DLQ + " -d                        | Unknown option: '-d'",
    })
    void badArgumentsExitWithTwoNamingTheProblemThenTheUsage(String commandLine, String problem) {
        String[] args = ("redrive " + commandLine.trim()).trim().split("\\s+");

        CommandRun run = CommandRun.of(args);

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("redrive: " + problem)
                .contains("Usage: sqs-reliable-tools redrive --dlq URL");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void helpPrintsUsageAndExitsWithZero() {
        CommandRun run = CommandRun.of("redrive", "--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: sqs-reliable-tools redrive", "--dlq URL", "--to URL",
                "--error-class NAME", "--max N", "--peek [N]", "--endpoint URL", "--region NAME", "--help",
                "Exit status:", "2   bad arguments");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shortHelpNeedsNoOtherOption() {
        assertThat(CommandRun.of("redrive", "-h").status()).isZero();
    }

    @Test
    void endpointOnThisMachineIsLoopback() {
        assertThat(parse("--dlq", DLQ, "--endpoint", "http://localhost:9324").endpointIsLoopback()).isTrue();
        assertThat(parse("--dlq", DLQ, "--endpoint", "http://127.0.0.1:9324").endpointIsLoopback()).isTrue();
        assertThat(parse("--dlq", DLQ, "--endpoint", "http://[::1]:9324").endpointIsLoopback()).isTrue();
        assertThat(parse("--dlq", DLQ, "--endpoint", "https://vpce-1.sqs.eu-west-1.vpce.amazonaws.com")
                .endpointIsLoopback()).isFalse();
        assertThat(parse("--dlq", DLQ).endpointIsLoopback()).isFalse();
    }

    @Test
    void peekLineShowsTheRecordButNeverTheBody() {
        FailureRecord record = new FailureRecord(5, 0, TARGET, "original-1", Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2025-01-01T00:05:00Z"), "java.net.SocketTimeoutException", "read timed out",
                FailureKind.TRANSIENT, null, FailureRecord.DeadLetterReason.ATTEMPTS_EXHAUSTED,
                Instant.parse("2025-01-01T00:05:01Z"));
        DeadLetter letter = new DeadLetter("m-1", "secret body", Map.of(), Optional.of(record), Optional.empty(),
                Optional.empty(), 2);

        assertThat(RedriveCommand.peekLine(letter)).isEqualTo(String.join("\t", "m-1",
                "java.net.SocketTimeoutException", "5", "ATTEMPTS_EXHAUSTED", TARGET, "2025-01-01T00:05:01Z",
                "read timed out"));
    }

    @Test
    void peekLineExplainsAMissingOrUnreadableRecord() {
        DeadLetter missing = new DeadLetter("m-2", "b", Map.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), 1);
        DeadLetter unreadable = new DeadLetter("m-3", "b", Map.of(), Optional.empty(),
                Optional.of("field attempts is missing"), Optional.empty(), 1);

        assertThat(RedriveCommand.peekLine(missing)).isEqualTo("m-2\t-\t-\t-\t-\t-\t(no failure record)");
        assertThat(RedriveCommand.peekLine(unreadable))
                .isEqualTo("m-3\t-\t-\t-\t-\t-\t(unreadable failure record: field attempts is missing)");
    }

    @Test
    void summaryCountsEverything() {
        RedriveResult result = new RedriveResult(12, 3, 1, 0, Map.of(TARGET, 12L),
                List.of(new RedriveResult.Failure("m", "x")), Duration.ofMillis(2450));

        assertThat(RedriveCommand.summary(result)).isEqualTo("moved 12, skipped 3, failed 1 in 2.5 s");
    }
}
