package io.github.sqsreliable.internal.dedupe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The key lease kept on its own schedule: with the defaults of a 30 s visibility timeout (margin 15 s), a key is
 * acquired for 31 s, renewed when at most 15 s are left, to 46 s (30 + 15 + 1), whatever SQS does.
 */
class KeyRenewalsTest {

    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final Duration MARGIN = Duration.ofSeconds(15);
    private static final Duration ACQUIRE_LEASE = HeldKeys.leaseFor(VISIBILITY);
    private static final Duration RENEW_LEASE = HeldKeys.renewedLeaseFor(VISIBILITY, MARGIN);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(5);
    private static final long T0 = TimeUnit.HOURS.toNanos(100);
    private static final FencingToken TOKEN = new FencingToken("token-1");

    private final AtomicLong clock = new AtomicLong(T0);
    private final IdempotencyStore store = mock(IdempotencyStore.class);
    private final ConsumerEvents events = new ConsumerEvents(List.of());

    @BeforeEach
    void storeRenews() {
        when(store.renew(anyString(), any(), any())).thenReturn(CompletableFuture.completedFuture(true));
    }

    @Test
    void keysAreAcquiredForTheVisibilityTimeoutPlusOneSecondAndRenewedToTimeoutPlusMarginPlusOneSecond() {
        assertThat(ACQUIRE_LEASE).isEqualTo(Duration.ofSeconds(31));
        assertThat(RENEW_LEASE).isEqualTo(Duration.ofSeconds(46));
        assertThat(HeldKeys.renewedLeaseFor(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void renewsAKeyWhenAtMostTheMarginOfItsLeaseIsLeftAndAgainOneVisibilityTimeoutLater() {
        // given: a key acquired at T0 (lease 31 s)
        KeyRenewals renewals = renewals(Duration.ofHours(1));
        InFlightMessage message = held(renewals, "m1");

        // when / then: 16 s left is more than the margin: nothing is sent
        tickAt(renewals, T0 + seconds(15));
        verify(store, never()).renew(anyString(), any(), any());

        // when / then: 15 s left: renewed to 46 s from now, with the acquisition's token
        tickAt(renewals, T0 + seconds(16));
        verify(store).renew(message.idempotencyKey(), TOKEN, Duration.ofSeconds(46));

        // when / then: the next renewal comes when 15 s of the new lease are left, 31 s later
        tickAt(renewals, T0 + seconds(46));
        verify(store, times(1)).renew(anyString(), any(), any());
        tickAt(renewals, T0 + seconds(47));
        verify(store, times(2)).renew(anyString(), any(), any());
    }

    @Test
    void stopsRenewingWhenTheMessageIsSettledOrForgotten() {
        // given: two held keys
        KeyRenewals renewals = renewals(Duration.ofHours(1));
        InFlightMessage settled = held(renewals, "m1");
        InFlightMessage forgotten = held(renewals, "m2");

        // when: one message is settled (given up at shutdown), the other's key completed or released
        settled.settle();
        renewals.forget(forgotten);
        tickAt(renewals, T0 + seconds(20));

        // then: neither is renewed, and nothing is kept
        verify(store, never()).renew(anyString(), any(), any());
        assertThat(renewals.heldCount()).isZero();
    }

    @Test
    void retriesAFailedRenewalOnTheNextTickAndCountsTheFailure() {
        // given: the store fails the first renewal
        when(store.renew(anyString(), any(), any()))
                .thenReturn(CompletableFuture.failedFuture(new IllegalStateException("connection reset")))
                .thenReturn(CompletableFuture.completedFuture(true));
        KeyRenewals renewals = renewals(Duration.ofHours(1));
        held(renewals, "m1");

        // when
        tickAt(renewals, T0 + seconds(16));
        tickAt(renewals, T0 + seconds(17));
        tickAt(renewals, T0 + seconds(18));

        // then: tried again once, and renewed then
        verify(store, times(2)).renew(anyString(), any(), any());
        assertThat(events.snapshot().idempotencyStoreFailures()).isEqualTo(1);
        assertThat(renewals.heldCount()).isEqualTo(1);
    }

    @Test
    void stopsRenewingAKeyTheStoreSaysIsNoLongerHeld() {
        // given: the key's lease was lost (taken over) before the renewal
        when(store.renew(anyString(), any(), any())).thenReturn(CompletableFuture.completedFuture(false));
        KeyRenewals renewals = renewals(Duration.ofHours(1));
        held(renewals, "m1");

        // when
        tickAt(renewals, T0 + seconds(16));
        tickAt(renewals, T0 + seconds(40));

        // then: one attempt, then nothing more
        verify(store, times(1)).renew(anyString(), any(), any());
        assertThat(renewals.heldCount()).isZero();
    }

    @Test
    void sendsAnotherRenewalOnlyWhenTheFirstIsUnansweredForTheStoreTimeout() {
        // given: a store that never answers
        when(store.renew(anyString(), any(), any())).thenReturn(new CompletableFuture<>());
        KeyRenewals renewals = renewals(Duration.ofHours(1));
        held(renewals, "m1");

        // when / then: one renewal in flight at a time ...
        tickAt(renewals, T0 + seconds(16));
        tickAt(renewals, T0 + seconds(20));
        verify(store, times(1)).renew(anyString(), any(), any());

        // ... until the store timeout (5 s) passed without an answer
        tickAt(renewals, T0 + seconds(21));
        verify(store, times(2)).renew(anyString(), any(), any());
    }

    @Test
    void shortensTheLastRenewalsToMaxProcessingTimeAndThenLetsTheLeaseRunOut() {
        // given: maxProcessingTime 60 s from receipt (T0)
        KeyRenewals renewals = renewals(Duration.ofSeconds(60));
        held(renewals, "m1");

        // when: ticks until after maxProcessingTime
        tickAt(renewals, T0 + seconds(16));   // 44 s of budget left
        tickAt(renewals, T0 + seconds(45));   // 15 s left
        tickAt(renewals, T0 + seconds(59) + TimeUnit.MILLISECONDS.toNanos(500));

        // then: renewed to the end of the budget, never beyond it, and then no longer kept
        ArgumentCaptor<Duration> leases = ArgumentCaptor.forClass(Duration.class);
        verify(store, times(2)).renew(anyString(), any(), leases.capture());
        assertThat(leases.getAllValues()).containsExactly(Duration.ofSeconds(44), Duration.ofSeconds(15));
        assertThat(renewals.heldCount()).isZero();
    }

    private KeyRenewals renewals(Duration maxProcessingTime) {
        return new KeyRenewals(store, events, clock::get, ACQUIRE_LEASE, MARGIN, RENEW_LEASE, maxProcessingTime,
                STORE_TIMEOUT);
    }

    private void tickAt(KeyRenewals renewals, long nanos) {
        clock.set(nanos);
        renewals.tick();
    }

    private static long seconds(long seconds) {
        return TimeUnit.SECONDS.toNanos(seconds);
    }

    private static InFlightMessage held(KeyRenewals renewals, String id) {
        Message message = Message.builder().messageId(id).receiptHandle("rh-" + id).body("body").build();
        SqsMessage view = SqsMessage.builder().queueUrl("http://localhost/000000000000/q").messageId(id)
                .body("body").build();
        InFlightMessage inFlight = new InFlightMessage(message, view, false, T0, VISIBILITY.toNanos());
        inFlight.holdIdempotencyKey(new HeldKey("key-" + id, TOKEN, Idempotency.DEFAULT_TTL));
        renewals.hold(inFlight, T0);
        return inFlight;
    }
}
