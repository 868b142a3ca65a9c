/**
 * The {@code sqs-reliable-tools} command line, shipped as one runnable jar:
 * {@code java -jar sqs-reliable-tools.jar redrive --dlq URL --peek 20}. {@link
 * io.github.sqsreliable.tools.cli.SqsReliableTools} is the entry point and lists the commands; {@link
 * io.github.sqsreliable.tools.cli.RedriveCommand} is the command line of {@link
 * io.github.sqsreliable.tools.DeadLetterRedrive}. Everything else here is package-private. See
 * {@code docs/redrive.md}.
 */
package io.github.sqsreliable.tools.cli;
