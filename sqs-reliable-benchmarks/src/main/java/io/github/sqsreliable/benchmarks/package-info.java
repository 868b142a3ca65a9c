/**
 * The benchmark program, not published: {@link io.github.sqsreliable.benchmarks.BenchmarkMain} measures
 * sqs-reliable's consumer against hand-written raw AWS SDK loops in one run (throughput, CPU per message, latency)
 * on an ElasticMQ in its own JVM, checks the results against targets, and writes the report into the docs; {@link
 * io.github.sqsreliable.benchmarks.TestKitTiming} times what a handler test with the test kit costs.
 */
package io.github.sqsreliable.benchmarks;
