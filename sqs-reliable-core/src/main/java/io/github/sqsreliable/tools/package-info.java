/**
 * Operations tools. {@link io.github.sqsreliable.tools.DeadLetterRedrive} inspects a dead-letter queue filled
 * by sqs-reliable and moves its messages back to the queues they came from (send first, delete only what was
 * sent). Its command line is the {@code redrive} command of the {@code sqs-reliable-tools} jar.
 */
package io.github.sqsreliable.tools;
