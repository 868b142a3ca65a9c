package io.github.sqsreliable.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The top-level command: listing the commands, help, version, and what it does without a command. */
class SqsReliableToolsTest {

    @Test
    void helpListsTheCommandsAndExitsWithZero() {
        CommandRun run = CommandRun.of("--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: sqs-reliable-tools [-hV] COMMAND", "redrive ",
                "Peek at a dead-letter queue, or move its messages back.");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void withoutACommandPrintsTheUsageAsAUsageError() {
        CommandRun run = CommandRun.of();

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("sqs-reliable-tools: a command is required")
                .contains("Usage: sqs-reliable-tools", "redrive ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        CommandRun run = CommandRun.of("redirve");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("sqs-reliable-tools: Unmatched argument at index 0: 'redirve'")
                .contains("Did you mean", "redrive");
    }

    @Test
    void helpCommandShowsACommandsUsage() {
        CommandRun run = CommandRun.of("help", "redrive");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: sqs-reliable-tools redrive --dlq URL");
    }

    @Test
    void versionNamesTheTool() {
        CommandRun run = CommandRun.of("--version");

        assertThat(run.status()).isZero();
        // From the jar's manifest; running from target/classes there is none.
        assertThat(run.out()).startsWith("sqs-reliable-tools ");
    }
}
