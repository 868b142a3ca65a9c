/**
 * What happens after a handler fails: an {@link io.github.sqsreliable.retry.ErrorClassifier} decides whether a
 * failure is transient or permanent, a {@link io.github.sqsreliable.retry.RetryPolicy} decides how many attempts,
 * after what {@link io.github.sqsreliable.retry.Backoff}, on which queue, and where a message goes when it runs out;
 * handlers can override the classifier by throwing {@link io.github.sqsreliable.retry.PermanentFailureException},
 * {@link io.github.sqsreliable.retry.TransientFailureException} or {@link
 * io.github.sqsreliable.retry.RetryLaterException}. A moved message carries its history as a {@link
 * io.github.sqsreliable.retry.FailureRecord}. See {@code docs/error-handling.md}.
 */
package io.github.sqsreliable.retry;
