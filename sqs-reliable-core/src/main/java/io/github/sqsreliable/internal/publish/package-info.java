/**
 * The publisher behind {@link io.github.sqsreliable.publish.SqsPublisher}: one lane per queue that batches, sends and
 * retries, and the bound on what the publisher holds. Not API: may change without notice.
 */
package io.github.sqsreliable.internal.publish;
