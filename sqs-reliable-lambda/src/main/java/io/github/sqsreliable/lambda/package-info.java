/**
 * Runs sqs-reliable handlers in AWS Lambda, triggered by an SQS event source mapping with ReportBatchItemFailures.
 */
package io.github.sqsreliable.lambda;
