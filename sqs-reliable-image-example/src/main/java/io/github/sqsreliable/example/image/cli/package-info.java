/**
 * The example's command line (picocli): {@link io.github.sqsreliable.example.image.cli.Main} with the {@code demo},
 * {@code serve} and {@code worker} commands, their shared pipeline options, and the shutdown hook that closes the
 * pipeline in order on Ctrl-C.
 */
package io.github.sqsreliable.example.image.cli;
