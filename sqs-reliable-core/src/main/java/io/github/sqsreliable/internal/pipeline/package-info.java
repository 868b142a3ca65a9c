/**
 * The message pipeline shared by every driver (the polling consumer, a Lambda function): gate → dispatch → handle →
 * classify → settle, and how polled messages enter it. Not API: may change without notice.
 */
package io.github.sqsreliable.internal.pipeline;
