/**
 * The baselines: raw AWS SDK receive-and-delete loops, as a careful engineer would write them without a library,
 * against which the consumer's throughput and cost are compared.
 */
package io.github.sqsreliable.benchmarks.raw;
