/**
 * SNS fan-out: with {@code snsEnvelopes(true)} on a consumer or Lambda function builder, a body that is an SNS
 * {@code Notification} envelope is unwrapped before the handler sees it, and
 * {@link io.github.sqsreliable.SqsMessage#snsNotification()} describes the notification
 * ({@link io.github.sqsreliable.sns.SnsNotification}). A broken envelope is a
 * {@link io.github.sqsreliable.sns.MalformedEnvelopeException}, a subscription confirmation a
 * {@link io.github.sqsreliable.sns.SubscriptionConfirmationException}: both permanent failures. Reading envelopes
 * needs {@code jackson-databind} on the class path. See {@code docs/messages.md}.
 */
package io.github.sqsreliable.sns;
