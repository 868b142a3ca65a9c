/**
 * The peers the benchmark compares the library with, in the same run and on the same SDK client: Spring Cloud
 * AWS SQS's listener container, used without Spring Boot.
 */
package io.github.sqsreliable.benchmarks.peer;
