/**
 * The handle stage, not API (it may change without notice): calls the user's handler with the message's identity
 * in the logging context and records what it did, returned or threw and how long it took, as a value; it never
 * lets a handler's exception escape.
 */
package io.github.sqsreliable.internal.handle;
