/**
 * The test kit: embedded servers (an in-process ElasticMQ speaking the SQS API, DynamoDB Local, a Redis server)
 * started once per JVM, with clients and fresh queues or tables for each test, so that handlers and idempotency
 * stores are tested end to end without Docker or an AWS account.
 */
package io.github.sqsreliable.test;
