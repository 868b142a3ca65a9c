package io.github.sqsreliable.internal.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PollerActivityTest {

    @Test
    void keepsOnePollerReceivingWhenTheQueueIsIdle() {
        PollerActivity activity = new PollerActivity(3);

        assertThat(activity.shouldSleepAfterShortReceive()).isTrue();
        assertThat(activity.shouldSleepAfterShortReceive()).isTrue();
        assertThat(activity.shouldSleepAfterShortReceive()).isFalse();
        assertThat(activity.active()).isEqualTo(1);
    }

    @Test
    void aReceiveWithMessagesWakesOneSleepingPoller() throws Exception {
        PollerActivity activity = new PollerActivity(3);
        AtomicBoolean running = new AtomicBoolean(true);
        activity.shouldSleepAfterShortReceive();
        activity.shouldSleepAfterShortReceive();
        CompletableFuture<Void> first = sleeper(activity, running);
        CompletableFuture<Void> second = sleeper(activity, running);

        activity.wakeOne();

        CompletableFuture.anyOf(first, second).get(5, TimeUnit.SECONDS);
        Thread.sleep(150);
        assertThat(first.isDone() ^ second.isDone()).isTrue();
        assertThat(activity.active()).isEqualTo(2);

        activity.wakeOne();
        CompletableFuture.allOf(first, second).get(5, TimeUnit.SECONDS);
        assertThat(activity.active()).isEqualTo(3);
    }

    @Test
    void aWakeWithNobodySleepingIsNotKept() throws Exception {
        PollerActivity activity = new PollerActivity(2);
        activity.wakeOne();
        activity.shouldSleepAfterShortReceive();
        AtomicBoolean running = new AtomicBoolean(true);

        CompletableFuture<Void> sleeping = sleeper(activity, running);
        Thread.sleep(150);

        assertThat(sleeping).isNotDone();
        running.set(false);
        sleeping.get(5, TimeUnit.SECONDS);
    }

    @Test
    void sleepingPollersLeaveWhenTheConsumerStops() throws Exception {
        PollerActivity activity = new PollerActivity(2);
        AtomicBoolean running = new AtomicBoolean(true);
        activity.shouldSleepAfterShortReceive();
        CompletableFuture<Void> sleeping = sleeper(activity, running);

        running.set(false);

        sleeping.get(5, TimeUnit.SECONDS);
    }

    private static CompletableFuture<Void> sleeper(PollerActivity activity, AtomicBoolean running) {
        return CompletableFuture.runAsync(() -> {
            try {
                activity.awaitWake(running::get);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, runnable -> new Thread(runnable).start());
    }
}
