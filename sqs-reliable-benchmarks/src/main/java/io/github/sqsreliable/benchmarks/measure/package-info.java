/**
 * What the benchmark measures besides message counts: when deletes happen, the delay from receive to handler start,
 * Redis commands, this JVM's CPU, GC and heap (and a small heap's true peak), context switches, and the CPU time of the server processes it started.
 */
package io.github.sqsreliable.benchmarks.measure;
