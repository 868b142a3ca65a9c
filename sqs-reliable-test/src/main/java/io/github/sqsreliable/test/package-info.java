/**
 * The test kit: an embedded SQS (ElasticMQ in process) with a JUnit 5 extension that injects a client and fresh
 * queues ({@link io.github.sqsreliable.test.SqsTestExtension}), helpers to send messages, wait until a queue is
 * drained and read a dead-letter queue ({@link io.github.sqsreliable.test.EmbeddedSqs}), and launchers for
 * DynamoDB Local, Redis and PostgreSQL, so that handlers and idempotency stores are tested end to end without
 * Docker or an AWS account. See docs/testing.md.
 */
package io.github.sqsreliable.test;
