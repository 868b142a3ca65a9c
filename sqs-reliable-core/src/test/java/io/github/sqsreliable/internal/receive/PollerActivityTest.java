package io.github.sqsreliable.internal.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PollerActivityTest {

    @Test
    void startsWithOnePollerActive() {
        PollerActivity activity = new PollerActivity(3);

        assertThat(activity.active()).isEqualTo(1);
        assertThat(activity.tryClaim()).isTrue();
        assertThat(activity.tryClaim()).isFalse();
    }

    @Test
    void keepsOnePollerReceivingWhenTheQueueIsIdle() {
        PollerActivity activity = awake(3);

        assertThat(activity.shouldSleepAfterShortReceive()).isTrue();
        assertThat(activity.shouldSleepAfterShortReceive()).isTrue();
        assertThat(activity.shouldSleepAfterShortReceive()).isFalse();
        assertThat(activity.active()).isEqualTo(1);
    }

    @Test
    void claimsNoMoreSlotsThanPollersAreActive() {
        PollerActivity activity = awake(2);

        assertThat(activity.tryClaim()).isTrue();
        assertThat(activity.tryClaim()).isTrue();
        assertThat(activity.tryClaim()).isFalse();
        assertThat(activity.hasRoom()).isFalse();

        activity.receiveAnswered();
        activity.shouldSleepAfterShortReceive();

        assertThat(activity.tryClaim()).isFalse();
        assertThat(activity.inFlight()).isEqualTo(1);
    }

    @Test
    void aFullReceiveWakesOneDormantPollerAtATime() {
        PollerActivity activity = new PollerActivity(3);

        assertThat(activity.wakeOne()).isTrue();
        assertThat(activity.active()).isEqualTo(2);
        assertThat(activity.wakeOne()).isTrue();
        assertThat(activity.wakeOne()).isFalse();
        assertThat(activity.active()).isEqualTo(3);
    }

    @Test
    void tellsWhetherAnyReceiveIsInFlight() {
        PollerActivity activity = new PollerActivity(2);
        assertThat(activity.noReceiveInFlight()).isTrue();

        activity.tryClaim();

        assertThat(activity.noReceiveInFlight()).isFalse();
    }

    @Test
    void awaitingNoneInFlightReturnsWhenTheLastSlotComesBack() throws Exception {
        PollerActivity activity = awake(2);
        activity.tryClaim();
        activity.tryClaim();
        assertThat(activity.awaitNoneInFlight(TimeUnit.MILLISECONDS.toNanos(20))).isFalse();

        CompletableFuture<Boolean> awaited = CompletableFuture.supplyAsync(() -> {
            try {
                return activity.awaitNoneInFlight(TimeUnit.SECONDS.toNanos(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> new Thread(runnable).start());
        activity.receiveAnswered();
        activity.receiveAnswered();

        assertThat(awaited.get(10, TimeUnit.SECONDS)).isTrue();
    }

    /** All pollers active, as after receives came back full. */
    private static PollerActivity awake(int pollers) {
        PollerActivity activity = new PollerActivity(pollers);
        while (activity.wakeOne()) {
            // wake the next
        }
        return activity;
    }
}
