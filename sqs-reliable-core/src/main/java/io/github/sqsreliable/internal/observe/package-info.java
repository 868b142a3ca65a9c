/**
 * Where the stages report what happened, not API (it may change without notice): counts events for the metrics
 * snapshot and builds event records only when a listener is registered; a lock-free histogram keeps handler latency.
 */
package io.github.sqsreliable.internal.observe;
