/**
 * What flows through the pipeline: a received message while the consumer holds it, and the units the dispatcher
 * starts (one message, or a batch for a batch handler). Not API: may change without notice.
 */
package io.github.sqsreliable.internal.message;
