/**
 * An emulation of AWS Lambda's SQS event source mapping ({@link io.github.sqsreliable.test.lambda.SqsEventSource}),
 * to test a Lambda function's {@code RequestHandler<SQSEvent, SQSBatchResponse>} against the embedded SQS: the event
 * JSON in Lambda's shape, read by the Lambda Java runtime's serializer, a timed invocation, and Lambda's rules for
 * deleting what a partial batch response does not list. Needs the optional dependencies
 * {@code com.amazonaws:aws-lambda-java-core}, {@code aws-lambda-java-events} and
 * {@code aws-lambda-java-serialization}; see docs/testing.md.
 */
package io.github.sqsreliable.test.lambda;
