/**
 * Typed message payloads: {@link io.github.sqsreliable.payload.PayloadHandler} and
 * {@link io.github.sqsreliable.payload.PayloadBatchHandler} receive each body already read into a Java type by a
 * {@link io.github.sqsreliable.payload.PayloadReader}, by default {@link io.github.sqsreliable.payload.JsonPayloads},
 * which reads hostile input safely. A body that cannot be read is a permanent failure,
 * {@link io.github.sqsreliable.payload.MalformedPayloadException}, dead-lettered with a reason that names the problem,
 * the place and the target type but never quotes the body. JSON needs {@code jackson-databind} on the class path, an
 * optional dependency of sqs-reliable-core. See {@code docs/messages.md}.
 */
package io.github.sqsreliable.payload;
