package io.github.sqsreliable.internal.settle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.NamedThreadFactory;
import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.internal.dedupe.CompletionBatcher;
import io.github.sqsreliable.internal.dedupe.HeldKeys;
import io.github.sqsreliable.internal.lease.VisibilityExtender;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.receive.ByteBudget;
import io.github.sqsreliable.internal.receive.ReceivePermits;
import io.github.sqsreliable.internal.sqs.SqsBatcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The acknowledge path of the {@link Settler}: a message holding an idempotency key is deleted only after its key
 * was completed, without the worker waiting for the store; a message without a key is deleted at once.
 */
@Timeout(30)
class SettlerAcknowledgeTest {

    private final ScheduledThreadPoolExecutor acks =
            new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("test-acks", false, true));
    private final SqsBatcher deletes = mock(SqsBatcher.class);
    private final IdempotencyStore store = mock(IdempotencyStore.class);
    private final ConsumerEvents events = new ConsumerEvents(List.of());
    private final HeldKeys heldKeys = new HeldKeys(store, new CompletionBatcher(store, Duration.ofHours(1),
            Duration.ofSeconds(5), events, acks, Duration.ZERO, 100), events);
    private final Settler settler = new Settler(deletes, mock(SqsBatcher.class), mock(MessageMover.class),
            mock(VisibilityExtender.class), new ReceivePermits(10), new ByteBudget(1L << 30), events, acks,
            heldKeys);

    @AfterEach
    void stop() {
        acks.shutdownNow();
    }

    private static InFlightMessage message(String id, boolean withKey) {
        Message sdk = Message.builder().messageId(id).receiptHandle("receipt-" + id).body("body")
                .attributesWithStrings(Map.of("ApproximateReceiveCount", "1")).build();
        SqsMessage view = SqsMessage.builder().queueUrl("https://sqs.test/q").messageId(id).body("body")
                .attributes(sdk.attributesAsStrings()).build();
        InFlightMessage message = new InFlightMessage(sdk, view, false, System.nanoTime(), TimeUnit.SECONDS.toNanos(30));
        if (withKey) {
            message.holdIdempotencyKey(new HeldKey("key-" + id, FencingToken.random(), Idempotency.DEFAULT_TTL));
        }
        return message;
    }

    @Test
    void aHandledMessageWithAKeyIsDeletedOnlyOnceItsKeyIsCompleted() {
        CompletableFuture<List<Boolean>> completed = new CompletableFuture<>();
        when(store.completeAll(anyList(), any())).thenReturn(completed);
        when(deletes.submitWithoutWaiting(anyString(), anyInt())).thenReturn(CompletableFuture.completedFuture(null));

        settler.apply(message("m1", true), new Outcome.Acknowledge());

        // the worker returned without waiting for the store, and nothing is deleted yet
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> verify(store).completeAll(anyList(), any()));
        verify(deletes, never()).submitWithoutWaiting(anyString(), anyInt());
        verify(deletes, never()).submit(anyString(), anyInt());
        verify(store, never()).complete(any(), any(), any());

        completed.complete(List.of(true));

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> verify(deletes).submitWithoutWaiting("receipt-m1", 0));
        await().atMost(Duration.ofSeconds(5)).until(() -> events.snapshot().deleted() == 1);
    }

    @Test
    void aHandledMessageWithoutAKeyIsDeletedAtOnce() {
        when(deletes.submit(anyString(), anyInt())).thenReturn(CompletableFuture.completedFuture(null));

        settler.apply(message("m2", false), new Outcome.Acknowledge());

        verify(deletes).submit("receipt-m2", 0);
        verify(store, never()).completeAll(anyList(), any());
        assertThat(events.snapshot().deleted()).isEqualTo(1);
    }

    @Test
    void aHandledMessageWhoseKeyItsHandlerCompletedIsDeletedAtOnceWithoutAStoreCall() {
        when(deletes.submit(anyString(), anyInt())).thenReturn(CompletableFuture.completedFuture(null));
        InFlightMessage message = message("m3", true);
        message.heldKey().markCompletedByHandler();

        settler.apply(message, new Outcome.Acknowledge());

        verify(deletes).submit("receipt-m3", 0);
        verify(store, never()).completeAll(anyList(), any());
        verify(store, never()).complete(any(), any(), any());
        verify(store, never()).release(any(), any());
        assertThat(events.snapshot().deleted()).isEqualTo(1);
    }
}
