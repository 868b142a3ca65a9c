/**
 * How the benchmark's rows run: {@link io.github.sqsreliable.benchmarks.scenario.Bench} runs the raw baselines and
 * the consumer scenarios against one SQS endpoint, each row an unmeasured warm-up and then repetitions on fresh
 * queues, at the sizes of the quick or full mode, noting how busy the JIT compiler was while it measured. The
 * large-message rows run their consumer in a JVM of its own with a small heap ({@code ConsumerJvm}).
 */
package io.github.sqsreliable.benchmarks.scenario;
