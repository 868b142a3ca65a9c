/**
 * The benchmark's SQS side: ElasticMQ in a JVM of its own (so that the consumer JVM's figures measure the consumer
 * only), the SDK clients under test, a request counter, and the workloads that fill the queues.
 */
package io.github.sqsreliable.benchmarks.sqs;
