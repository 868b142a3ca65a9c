/**
 * Visibility extension, not API (it may change without notice): keeps the messages whose handlers are still running
 * invisible on the queue by extending them in batches shortly before their visibility runs out, and never after
 * their delete or release.
 */
package io.github.sqsreliable.internal.lease;
