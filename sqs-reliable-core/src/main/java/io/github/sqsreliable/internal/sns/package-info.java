/**
 * Reading SNS notification envelopes: {@link io.github.sqsreliable.internal.sns.SnsEnvelopes} tells an envelope from
 * a raw body and unwraps it. Needs jackson-databind, which only code that turns {@code snsEnvelopes} on loads.
 */
package io.github.sqsreliable.internal.sns;
