/**
 * Typed payloads and SNS unwrapping behind the builders: {@link io.github.sqsreliable.internal.payload.PayloadHandlers}
 * turns typed handlers (and plain ones, with SNS envelopes on) into the plain handlers the pipeline runs, and
 * {@link io.github.sqsreliable.internal.payload.JsonProblems} words read failures without quoting the body.
 */
package io.github.sqsreliable.internal.payload;
