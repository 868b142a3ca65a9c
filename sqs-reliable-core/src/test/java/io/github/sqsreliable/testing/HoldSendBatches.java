package io.github.sqsreliable.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;

/**
 * Holds every SendMessageBatch request until {@link #release} counts down (at most 30 s), on the thread that sends
 * it, never the test's: to look at what a sender does while its messages are not yet confirmed.
 */
public final class HoldSendBatches implements ExecutionInterceptor {

    /** Count down to let the held requests and all later ones go. */
    public final CountDownLatch release = new CountDownLatch(1);
    /** How many requests have been held so far. */
    public final AtomicInteger held = new AtomicInteger();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (context.request() instanceof SendMessageBatchRequest) {
            held.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
