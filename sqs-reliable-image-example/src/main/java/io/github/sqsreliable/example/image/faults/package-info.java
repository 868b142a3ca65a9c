/**
 * The demo's fault injection: a {@link io.github.sqsreliable.example.image.faults.FaultInjector} with switches for
 * throttled storage and duplicate sends, and wrappers that apply them to the blob store and the catalog, so the
 * demo can show retries with backoff and duplicate suppression at work.
 */
package io.github.sqsreliable.example.image.faults;
