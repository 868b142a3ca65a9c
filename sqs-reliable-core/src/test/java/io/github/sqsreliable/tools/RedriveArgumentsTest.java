package io.github.sqsreliable.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line: parsing, usage errors and the exit status they give, and what the output looks like. */
class RedriveArgumentsTest {

    private static final String DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq";
    private static final String TARGET = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders";

    @Test
    void parsesEveryRedriveOption() throws Exception {
        RedriveArguments arguments = RedriveArguments.parse("--dlq", DLQ, "--to", TARGET, "--error-class",
                "IOException", "--max", "25", "--endpoint", "http://localhost:9324", "--region", "eu-west-1");

        assertThat(arguments.help()).isFalse();
        assertThat(arguments.deadLetterQueueUrl()).isEqualTo(DLQ);
        assertThat(arguments.targetQueueUrl()).contains(TARGET);
        assertThat(arguments.errorClass()).contains("IOException");
        assertThat(arguments.maxMessages()).hasValue(25);
        assertThat(arguments.peek()).isEmpty();
        assertThat(arguments.endpoint()).contains(URI.create("http://localhost:9324"));
        assertThat(arguments.region()).contains("eu-west-1");
    }

    @Test
    void acceptsOptionEqualsValue() throws Exception {
        RedriveArguments arguments = RedriveArguments.parse("--dlq=" + DLQ, "--max=3");

        assertThat(arguments.deadLetterQueueUrl()).isEqualTo(DLQ);
        assertThat(arguments.maxMessages()).hasValue(3);
    }

    @Test
    void leavesOptionalOptionsEmpty() throws Exception {
        RedriveArguments arguments = RedriveArguments.parse("--dlq", DLQ);

        assertThat(arguments.targetQueueUrl()).isEmpty();
        assertThat(arguments.errorClass()).isEmpty();
        assertThat(arguments.maxMessages()).isEmpty();
        assertThat(arguments.peek()).isEmpty();
        assertThat(arguments.endpoint()).isEmpty();
        assertThat(arguments.region()).isEmpty();
    }

    @Test
    void peekWithoutNumberShowsTen() throws Exception {
        assertThat(RedriveArguments.parse("--peek", "--dlq", DLQ).peek()).hasValue(10);
        assertThat(RedriveArguments.parse("--dlq", DLQ, "--peek").peek()).hasValue(10);
    }

    @Test
    void peekTakesANumber() throws Exception {
        assertThat(RedriveArguments.parse("--dlq", DLQ, "--peek", "3").peek()).hasValue(3);
        assertThat(RedriveArguments.parse("--peek=7", "--dlq", DLQ).peek()).hasValue(7);
    }

    @Test
    void helpWinsOverEverythingElse() throws Exception {
        assertThat(RedriveArguments.parse("--bogus", "--help").help()).isTrue();
        assertThat(RedriveArguments.parse("-h").help()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                          | --dlq is required",
            "--to " + TARGET + "                          | --dlq is required",
            "--dlq                                       | --dlq needs a value",
            "--dlq --max 3                               | --dlq needs a value",
            "--dlq=                                      | --dlq needs a value",
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
            "--dlq " + DLQ + " --dlq " + DLQ + "         | --dlq is given more than once",
            "--dlq " + DLQ + " --peek --peek             | --peek is given more than once",
            "--dlq " + DLQ + " --force                   | unknown option: --force",
            "--dlq " + DLQ + " extra                     | unexpected argument: extra",
            "-d " + DLQ + "                              | unexpected argument: -d",
    })
    void namesTheProblem(String commandLine, String problem) {
        String[] args = commandLine.isBlank() ? new String[0] : commandLine.trim().split("\\s+");

        assertThatThrownBy(() -> RedriveArguments.parse(args))
                .isInstanceOf(RedriveArguments.UsageException.class)
                .hasMessageStartingWith(problem);
    }

    @Test
    void badArgumentsExitWithTwoAndUsageNamingTheProblem() {
        Output output = new Output();

        int status = Redrive.run(new String[] {"--dlq", DLQ, "--max", "none"}, output.out, output.err);

        assertThat(status).isEqualTo(2);
        assertThat(output.err()).startsWith("redrive: --max (none) must be a whole number")
                .contains("Usage: Redrive --dlq URL");
        assertThat(output.out()).isEmpty();
    }

    @Test
    void helpPrintsUsageAndExitsWithZero() {
        Output output = new Output();

        int status = Redrive.run(new String[] {"--help"}, output.out, output.err);

        assertThat(status).isZero();
        assertThat(output.out()).contains("Usage: Redrive", "--dlq URL", "--to URL", "--error-class NAME",
                "--max N", "--peek [N]", "--endpoint URL", "--region NAME", "--help");
        assertThat(output.err()).isEmpty();
    }

    @Test
    void endpointOnThisMachineIsLoopback() throws Exception {
        assertThat(RedriveArguments.parse("--dlq", DLQ, "--endpoint", "http://localhost:9324").endpointIsLoopback())
                .isTrue();
        assertThat(RedriveArguments.parse("--dlq", DLQ, "--endpoint", "http://127.0.0.1:9324").endpointIsLoopback())
                .isTrue();
        assertThat(RedriveArguments.parse("--dlq", DLQ, "--endpoint", "http://[::1]:9324").endpointIsLoopback())
                .isTrue();
        assertThat(RedriveArguments.parse("--dlq", DLQ, "--endpoint", "https://vpce-1.sqs.eu-west-1.vpce.amazonaws.com")
                .endpointIsLoopback()).isFalse();
        assertThat(RedriveArguments.parse("--dlq", DLQ).endpointIsLoopback()).isFalse();
    }

    @Test
    void peekLineShowsTheRecordButNeverTheBody() {
        FailureRecord record = new FailureRecord(5, 0, TARGET, "original-1", Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2025-01-01T00:05:00Z"), "java.net.SocketTimeoutException", "read timed out",
                FailureKind.TRANSIENT, null, FailureRecord.DeadLetterReason.ATTEMPTS_EXHAUSTED,
                Instant.parse("2025-01-01T00:05:01Z"));
        DeadLetter letter = new DeadLetter("m-1", "secret body", Map.of(), Optional.of(record), Optional.empty(),
                Optional.empty(), 2);

        assertThat(Redrive.peekLine(letter)).isEqualTo(String.join("\t", "m-1", "java.net.SocketTimeoutException", "5",
                "ATTEMPTS_EXHAUSTED", TARGET, "2025-01-01T00:05:01Z", "read timed out"));
        assertThat(letter.toString()).doesNotContain("secret body");
    }

    @Test
    void peekLineExplainsAMissingOrUnreadableRecord() {
        DeadLetter missing = new DeadLetter("m-2", "b", Map.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), 1);
        DeadLetter unreadable = new DeadLetter("m-3", "b", Map.of(), Optional.empty(),
                Optional.of("field attempts is missing"), Optional.empty(), 1);

        assertThat(Redrive.peekLine(missing)).isEqualTo("m-2\t-\t-\t-\t-\t-\t(no failure record)");
        assertThat(Redrive.peekLine(unreadable))
                .isEqualTo("m-3\t-\t-\t-\t-\t-\t(unreadable failure record: field attempts is missing)");
    }

    @Test
    void summaryCountsEverything() {
        RedriveResult result = new RedriveResult(12, 3, 1, 0, Map.of(TARGET, 12L),
                List.of(new RedriveResult.Failure("m", "x")), Duration.ofMillis(2450));

        assertThat(Redrive.summary(result)).isEqualTo("moved 12, skipped 3, failed 1 in 2.5 s");
    }

    /** Captures what the command prints. */
    static final class Output {
        private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }
}
