/**
 * Not API: the implementation of {@code io.github.sqsreliable.micrometer}. It may change in any release without
 * notice; use {@link io.github.sqsreliable.micrometer.SqsReliableMeters} instead.
 */
package io.github.sqsreliable.micrometer.internal;
