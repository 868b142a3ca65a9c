/**
 * SQS helpers shared by the stages: batched deletes and visibility changes, the service's limits, message sizes as
 * SQS counts them, and reading per-entry batch answers. Not API: may change without notice.
 */
package io.github.sqsreliable.internal.sqs;
