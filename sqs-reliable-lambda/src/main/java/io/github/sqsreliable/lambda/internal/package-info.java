/**
 * Not API: the implementation of {@code io.github.sqsreliable.lambda}. It may change in any release without notice;
 * use the types of {@code io.github.sqsreliable.lambda} instead.
 */
package io.github.sqsreliable.lambda.internal;
