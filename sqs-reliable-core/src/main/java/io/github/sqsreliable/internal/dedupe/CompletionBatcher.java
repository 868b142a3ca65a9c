package io.github.sqsreliable.internal.dedupe;

import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.batch.BatchingCore;
import io.github.sqsreliable.internal.batch.Room;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the keys of handled messages done in batches. A key waits here until {@value #MAX_BATCH} keys are pending
 * or the flush interval has passed, whichever comes first; then one {@link IdempotencyStore#completeAll} call
 * completes them all. A message's follow-up (its delete) runs only once its key's completion has an answer, so a
 * crash in between leaves the message on the queue with its key done or still leased, never gone with its key not
 * done.
 *
 * <p>Why {@value #MAX_BATCH}: at full batches a message costs 1/25 = 0.04 of a store round trip, already small
 * next to the acquire's 0.1 (one call per receive of 10); larger batches would save little more, while a batch's
 * Lua script holds a Redis server for longer, and DynamoDB sends one write per key, which should stay well within
 * the 50 connections its SDK client opens by default. Below full batches, the flush interval decides.
 *
 * <p>A call that fails, answers wrongly, or has no answer within the store timeout is counted as a store failure
 * and retried for the keys it covered, up to {@value #MAX_ATTEMPTS} attempts with pauses of 200 and 400 ms. After
 * the last one the failure is logged and the follow-up runs anyway: the work is done, and keeping the message
 * would only run it again. A key the store answers {@code false} for (its lease expired and was taken over) is
 * logged, and its follow-up runs too.
 *
 * <p>Bounded: at most {@code maxOutstanding} messages are between {@link #submit} and the end of their follow-up;
 * {@link #submit} blocks while that many are (back pressure on the workers, as the delete batcher applies).
 *
 * <p>Thread-safe. A full batch's store call is made by the thread that filled it; the flush timer, partial
 * batches, the handling of answers and the follow-ups run on the given scheduler (the consumer's {@code -acks}
 * thread), never on a thread of the store's client.
 */
public final class CompletionBatcher {

    private static final Logger log = LoggerFactory.getLogger(CompletionBatcher.class);

    /** The most keys one store call completes. */
    static final int MAX_BATCH = 25;
    /** Store calls per key before giving up. */
    static final int MAX_ATTEMPTS = 3;
    /** The pause before attempt {@code n + 1}: 200 ms after the first, 400 ms after the second. */
    static final IntFunction<Duration> RETRY_BACKOFF = attempt -> Duration.ofMillis(100L << attempt);

    /** One message waiting for its key to be completed. */
    private static final class Entry {
        final InFlightMessage message;
        final CompleteRequest request;
        final Supplier<? extends CompletableFuture<?>> followUp;
        int attempts;

        Entry(InFlightMessage message, Supplier<? extends CompletableFuture<?>> followUp) {
            this.message = message;
            this.request = new CompleteRequest(message.idempotencyKey(), message.fencingToken());
            this.followUp = followUp;
        }
    }

    private final IdempotencyStore store;
    private final Duration ttl;
    private final Duration storeTimeout;
    private final ConsumerEvents events;
    private final ScheduledExecutorService scheduler;
    private final Semaphore room;
    private final IntFunction<Duration> backoff;
    // Entries whose completion has no final answer yet; removing one claims the right to finish it, so that an
    // answer arriving after flushAndClose gave its entry up is ignored.
    private final Set<Entry> unanswered = ConcurrentHashMap.newKeySet();
    private final BatchingCore<Entry> batching;

    /**
     * @param store the store
     * @param ttl how long completed records keep duplicates out
     * @param storeTimeout how long one store call may take
     * @param events where store failures and messages left unfinished at close are counted
     * @param scheduler the single thread that flushes partial batches, handles answers and runs follow-ups
     * @param flushInterval how long a partial batch may wait; zero sends every key at once
     * @param maxOutstanding how many messages may be between submit and the end of their follow-up
     */
    public CompletionBatcher(IdempotencyStore store, Duration ttl, Duration storeTimeout, ConsumerEvents events,
                             ScheduledExecutorService scheduler, Duration flushInterval, int maxOutstanding) {
        this(store, ttl, storeTimeout, events, scheduler, flushInterval, maxOutstanding, RETRY_BACKOFF);
    }

    CompletionBatcher(IdempotencyStore store, Duration ttl, Duration storeTimeout, ConsumerEvents events,
                      ScheduledExecutorService scheduler, Duration flushInterval, int maxOutstanding,
                      IntFunction<Duration> backoff) {
        this.store = store;
        this.ttl = ttl;
        this.storeTimeout = storeTimeout;
        this.events = events;
        this.scheduler = scheduler;
        this.batching = new BatchingCore<>(scheduler, flushInterval, MAX_BATCH, this::send, this::abandon);
        this.room = new Semaphore(maxOutstanding);
        this.backoff = backoff;
    }

    /**
     * Queues a handled message's key for completion. Blocks while the batcher is full.
     *
     * @param message a settled message holding an idempotency key
     * @param followUp runs on the scheduler once the key's completion has its final answer (completed, refused,
     *     or given up); must not block. Its future bounds the message's stay: room is given back when it completes
     */
    public void submit(InFlightMessage message, Supplier<? extends CompletableFuture<?>> followUp) {
        Entry entry = new Entry(message, followUp);
        if (batching.isClosed() || !Room.acquire(room, batching::isClosed)) {
            log.warn("the consumer closed before the idempotency key of message {} could be recorded as done; the "
                    + "message was not deleted and reappears when its visibility lapses", message.view().messageId());
            events.messageLeft();
            return;
        }
        unanswered.add(entry);
        batching.accept(entry);
    }

    /**
     * Sends every pending key now and waits until each has its answer and its follow-up has run, or the timeout.
     * Messages still unanswered then are left: not deleted, they reappear when their visibility lapses. Keys
     * submitted afterwards are left the same way.
     *
     * @param timeout how long to wait for answers
     * @return whether every key got its answer in time
     */
    public boolean flushAndClose(Duration timeout) {
        int leftOver = batching.drain(timeout);
        if (leftOver > 0) {
            log.warn("{} idempotency key(s) not yet recorded as done when the consumer closed; their messages were "
                    + "not deleted and reappear once their visibility lapses", leftOver);
        }
        return leftOver == 0;
    }

    /**
     * Runs on the scheduler thread, or on the thread that filled a batch.
     *
     * @return completes once the answer was handled, on the scheduler
     */
    private CompletionStage<?> send(List<Entry> taken) {
        // Copied rather than filtered in place: flushAndClose may be reading the taken batch on another thread.
        List<Entry> batch = new ArrayList<>(taken.size());
        for (Entry entry : taken) {
            if (unanswered.contains(entry)) { // not abandoned at close meanwhile
                batch.add(entry);
            }
        }
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompleteRequest> requests = new ArrayList<>(batch.size());
        for (Entry entry : batch) {
            entry.attempts++;
            requests.add(entry.request);
        }
        CompletableFuture<List<Boolean>> answer;
        try {
            answer = store.completeAll(requests, ttl);
            if (answer == null) {
                answer = CompletableFuture.failedFuture(new IllegalStateException(
                        "the idempotency store answered completeAll with a null future"));
            }
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        // Bounded here rather than with orTimeout, so that the store's own future is left alone and the timer
        // runs on the scheduler; the answer is then handled on the scheduler, off the store client's threads.
        CompletableFuture<List<Boolean>> bounded = new CompletableFuture<>();
        ScheduledFuture<?> timer = scheduler.schedule(() -> bounded.completeExceptionally(new TimeoutException(
                "no answer within storeTimeout (" + storeTimeout + ")")), storeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        answer.whenComplete((answers, error) -> {
            timer.cancel(false);
            if (error == null) {
                bounded.complete(answers);
            } else {
                bounded.completeExceptionally(error);
            }
        });
        return bounded.whenCompleteAsync((answers, error) -> onAnswer(batch, answers, error), scheduler);
    }

    private void onAnswer(List<Entry> batch, List<Boolean> answers, Throwable error) {
        Throwable failure = error != null ? unwrap(error) : malformed(answers, batch.size());
        if (failure != null) {
            events.idempotencyStoreFailed();
            log.debug("completing {} idempotency key(s) failed", batch.size(), failure);
            for (Entry entry : batch) {
                if (!unanswered.contains(entry)) {
                    continue;
                }
                if (entry.attempts < MAX_ATTEMPTS) {
                    retryLater(entry);
                } else {
                    log.error("could not record message {} as done in the idempotency store ({} attempts, last: {}); "
                            + "a duplicate of it arriving after its lease expires will be handled again",
                            entry.message.view().messageId(), entry.attempts, failure.toString());
                    finish(entry);
                }
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Entry entry = batch.get(i);
            if (!answers.get(i)) {
                if (entry.attempts == 1) {
                    log.warn("the idempotency lease of message {} expired and was taken over while its handler ran; "
                            + "its work may be applied twice", entry.message.view().messageId());
                } else {
                    log.warn("the idempotency key of message {} was no longer held when completing it again: either "
                            + "the earlier attempt, whose answer was lost, completed it, or its lease expired and was "
                            + "taken over while its handler ran", entry.message.view().messageId());
                }
            }
            finish(entry);
        }
    }

    private static Throwable malformed(List<Boolean> answers, int expected) {
        boolean wellFormed = answers != null && answers.size() == expected;
        for (int i = 0; wellFormed && i < expected; i++) {
            wellFormed = answers.get(i) != null;
        }
        return wellFormed ? null : new IllegalStateException("the idempotency store answered " + (answers == null
                ? "null" : answers.size() + " answers, or null ones,") + " for " + expected + " keys");
    }

    private void retryLater(Entry entry) {
        batching.retryLater(entry, backoff.apply(entry.attempts));
    }

    /** The key has its final answer: run the follow-up, and give the room back once that is done. */
    private void finish(Entry entry) {
        if (!unanswered.remove(entry)) {
            return;
        }
        CompletableFuture<?> followedUp;
        try {
            followedUp = entry.followUp.get();
        } catch (RuntimeException e) {
            log.warn("the follow-up of message {} failed after its idempotency key was completed",
                    entry.message.view().messageId(), e);
            followedUp = null;
        }
        if (followedUp == null) {
            room.release();
        } else {
            followedUp.whenComplete((ignored, error) -> room.release());
        }
        batching.answered();
    }

    /** Leaves a message unfinished: no follow-up; it reappears when its visibility lapses. */
    private boolean abandon(Entry entry) {
        if (!unanswered.remove(entry)) {
            return false;
        }
        events.messageLeft();
        room.release();
        batching.answered();
        return true;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
