/**
 * The classify stage, not API (it may change without notice): turns a handler's result into an {@code Outcome},
 * the data that says what must happen to the message (delete, retry after a delay, move to a retry or dead-letter
 * queue, release), using the configured error classifier and retry policy. It decides; only the settle stage acts.
 */
package io.github.sqsreliable.internal.classify;
