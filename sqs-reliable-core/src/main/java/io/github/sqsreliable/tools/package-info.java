/**
 * Operations tools. {@link io.github.sqsreliable.tools.DeadLetterRedrive} inspects a dead-letter queue filled
 * by sqs-reliable and moves its messages back to the queues they came from (send first, delete only what was
 * sent), and {@link io.github.sqsreliable.tools.Redrive} is its command line.
 */
package io.github.sqsreliable.tools;
