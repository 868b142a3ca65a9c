/**
 * The settle stage, not API (it may change without notice): the only code that changes a message's state on the
 * queue. It applies each outcome (delete, change visibility, copy to a retry or dead-letter queue then delete,
 * release) in batched SQS requests and checks every entry's result.
 */
package io.github.sqsreliable.internal.settle;
