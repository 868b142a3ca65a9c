package io.github.sqsreliable.internal.dedupe;

import io.github.resilience4j.core.IntervalFunction;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.internal.dedupe.Hashing;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.classify.FailureRouter;
import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import io.github.sqsreliable.retry.PermanentFailureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between receive and dispatch: acquires the idempotency keys of one receive's messages in one store call, and
 * lets through only the messages whose key it now holds. A message whose key is done is to be deleted as a
 * duplicate; one whose key another consumer holds, to come back when that lease would have expired; one whose key
 * cannot be derived, or whose key was seen with another body, fails permanently. While the store is unavailable,
 * messages are held back (fail closed): kept invisible in memory and admitted again after a backoff, while their
 * receive's poller slot receives nothing more; unless the consumer fails open.
 *
 * <p>A decision stage: it returns what must happen to each message as an {@link Admission}, and changes no
 * message on the queue; the consumer applies the settlements through its settle stage. It does take the keys it
 * acquires into renewal, and it reports duplicates and store failures to the consumer's events.
 *
 * <p>Keys are namespaced and hashed (SHA-256) here, so message data never shapes backend keys. On FIFO queues a
 * message that cannot go on blocks the later messages of its group in the same receive: they are released.
 *
 * <p>Runs on the threads that take receive answers; thread-safe.
 */
public final class IdempotencyGate {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyGate.class);
    private static final IntervalFunction OUTAGE_BACKOFF =
            IntervalFunction.ofExponentialRandomBackoff(Duration.ofSeconds(1), 2.0, 0.5, Duration.ofSeconds(30));
    private static final Duration IN_PROGRESS_SLACK = Duration.ofSeconds(1);

    /**
     * What the gate decided for one receive's messages; nothing of it is applied yet. Every message is in exactly
     * one of the lists.
     *
     * @param toDispatch the messages whose key is held (or all of them, failing open), in received order
     * @param toSettle the messages that go no further without a handler, in received order, the order in which to
     *     apply them: duplicates, keys held elsewhere, keys that could not be derived or were seen with another
     *     body, and on a FIFO queue the later messages of a group that cannot go on
     * @param held the messages kept back because the store is unavailable (failing closed): still owned and kept
     *     invisible, to be admitted again after {@code pause}; settling them instead would make SQS count another
     *     receive each time, and a RedrivePolicy could dead-letter messages that never ran
     * @param pause how long to wait before trying the held messages again, or zero
     */
    public record Admission(List<InFlightMessage> toDispatch, List<Settlement> toSettle, List<InFlightMessage> held,
                            Duration pause) {
    }

    /** How to settle a message the gate does not let through: one case per way the settle stage settles one. */
    public sealed interface Settlement {

        /** @return the message to settle */
        InFlightMessage message();

        /**
         * Apply {@code outcome} to the message, as to a handled one: {@link Outcome.Acknowledge} deletes a
         * duplicate of finished work, {@link Outcome.RetryAfter} brings back one whose key is held elsewhere.
         */
        record Apply(InFlightMessage message, Outcome outcome) implements Settlement {
        }

        /** Hand the message back unprocessed (visibility 0) for {@code reason}, giving back any key it holds. */
        record Release(InFlightMessage message, ReleaseReason reason) implements Settlement {
        }
    }

    private final Idempotency config;
    private final String namespace;
    private final Duration lease;
    private final boolean fifo;
    private final FailureRouter router;
    private final HeldKeys heldKeys;
    private final ConsumerEvents events;
    private final Object outageLock = new Object();
    private int consecutiveFailures;
    private volatile Exception lastFailure;

    public IdempotencyGate(Idempotency config, String defaultNamespace, Duration visibilityTimeout, boolean fifo,
                           FailureRouter router, HeldKeys heldKeys, ConsumerEvents events) {
        this.config = config;
        this.namespace = config.namespace() != null ? config.namespace() : defaultNamespace;
        this.lease = HeldKeys.leaseFor(visibilityTimeout);
        this.fifo = fifo;
        this.router = router;
        this.heldKeys = heldKeys;
        this.events = events;
    }

    /**
     * @param received one receive's messages, in order
     * @return what to dispatch, what to settle, what to hold back, and whether to pause receiving
     */
    public Admission admit(List<InFlightMessage> received) {
        // Decide for every message first, then settle the decisions in received order, so that on a FIFO queue a
        // message that cannot go on holds back exactly the later messages of its group.
        Map<InFlightMessage, Decision> decisions = new IdentityHashMap<>();
        List<InFlightMessage> keyed = new ArrayList<>(received.size());
        List<AcquireRequest> requests = new ArrayList<>(received.size());
        Set<String> keysInThisReceive = new HashSet<>();
        for (InFlightMessage message : received) {
            String key;
            try {
                key = storeKey(message.view());
            } catch (Exception e) {
                Outcome outcome = router.afterFailure(message, new PermanentFailureException(
                        "the idempotency key could not be derived from the message: " + e, e));
                // No handler runs, so nothing else would say why the message left; the stack trace and the body
                // stay out of the log (the failure record keeps the exception's text).
                log.warn("message {} on queue {}: no idempotency key could be derived ({}); {}",
                        message.view().messageId(), message.view().queueUrl(), e.getMessage() == null
                                ? e.getClass().getName() : e.getClass().getName() + ": " + e.getMessage(),
                        describe(outcome));
                decisions.put(message, Decision.settle(outcome));
                continue;
            }
            if (!keysInThisReceive.add(key)) {
                // A store sees each key once per call; the second copy waits like any key held elsewhere.
                decisions.put(message, Decision.skip(new Outcome.RetryAfter(lease, message.view().receiveCount(), null),
                        true));
                continue;
            }
            keyed.add(message);
            requests.add(new AcquireRequest(key, lease, config.validatePayload() ? Hashing.sha256Hex(message.view().body()) : null));
        }
        Duration pause = Duration.ZERO;
        if (!requests.isEmpty()) {
            long acquireSentNanos = System.nanoTime();
            List<AcquireResult> results = acquire(requests);
            if (results == null) {
                pause = storeUnavailable(keyed, decisions);
            } else {
                for (int i = 0; i < keyed.size(); i++) {
                    decisions.put(keyed.get(i), decide(keyed.get(i), requests.get(i), results.get(i),
                            acquireSentNanos));
                }
            }
        }
        List<InFlightMessage> toDispatch = new ArrayList<>(received.size());
        List<Settlement> toSettle = new ArrayList<>();
        List<InFlightMessage> held = new ArrayList<>();
        Set<String> blockedGroups = new HashSet<>();
        for (InFlightMessage message : received) {
            Decision decision = decisions.get(message);
            if (decision.hold()) {
                held.add(message);
                if (fifo) {
                    blockedGroups.add(message.dispatchKey());
                }
            } else if (fifo && blockedGroups.contains(message.dispatchKey()) && !holdsBackAnyway(decision)) {
                // It would run (or leave the queue) ahead of an earlier message of its group: hand it back.
                toSettle.add(new Settlement.Release(message, ReleaseReason.FIFO_GROUP_BLOCKED));
            } else if (decision.outcome() == null) {
                toDispatch.add(message);
            } else {
                if (decision.duplicate()) {
                    events.duplicateSkipped(message.view(), decision.inProgress());
                }
                toSettle.add(new Settlement.Apply(message, decision.outcome()));
                if (fifo && !decision.outcome().letsGroupContinue()) {
                    blockedGroups.add(message.dispatchKey());
                }
            }
        }
        return new Admission(toDispatch, toSettle, held, pause);
    }

    /** @return what happens to a message whose key could not be derived, for the log */
    private static String describe(Outcome outcome) {
        if (outcome instanceof Outcome.Move move) {
            return (move.deadLetter() ? "dead-lettering it to " : "moving it to ") + move.queueUrl();
        }
        if (outcome instanceof Outcome.Release) {
            return "releasing it for the queue's RedrivePolicy";
        }
        if (outcome instanceof Outcome.RetryAfter retry) {
            return "no dead-letter queue to move it to: it comes back in " + retry.delay();
        }
        return "leaving it on the queue";
    }

    /** A retry later keeps the message behind its group anyway, and deleting a duplicate changes no order. */
    private static boolean holdsBackAnyway(Decision decision) {
        return decision.outcome() instanceof Outcome.RetryAfter || decision.outcome() instanceof Outcome.Acknowledge;
    }

    /**
     * What to do with one message: dispatch it ({@code outcome} null), hold it back while the store is down, or
     * settle it without a handler.
     */
    private record Decision(Outcome outcome, boolean duplicate, boolean inProgress, boolean hold) {
        static final Decision DISPATCH = new Decision(null, false, false, false);
        static final Decision HOLD = new Decision(null, false, false, true);

        static Decision settle(Outcome outcome) {
            return new Decision(outcome, false, false, false);
        }

        static Decision skip(Outcome outcome, boolean inProgress) {
            return new Decision(outcome, true, inProgress, false);
        }
    }

    /** @return one result per request, or null when the store failed, timed out, or broke its contract */
    private List<AcquireResult> acquire(List<AcquireRequest> requests) {
        Exception failure;
        try {
            List<AcquireResult> results = config.store().acquire(requests)
                    .get(config.storeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (results != null && results.size() == requests.size() && !results.contains(null)) {
                synchronized (outageLock) {
                    if (consecutiveFailures > 0) {
                        log.info("the idempotency store is answering again after {} failed call(s)",
                                consecutiveFailures);
                        consecutiveFailures = 0;
                    }
                }
                return results;
            }
            failure = new IllegalStateException("the idempotency store answered " + (results == null ? "null"
                    : results.size() + " results, or null ones,") + " for " + requests.size() + " keys");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Exception e) {
            failure = e;
        }
        lastFailure = failure;
        return null;
    }

    private Decision decide(InFlightMessage message, AcquireRequest request, AcquireResult result,
                            long acquireSentNanos) {
        if (result instanceof AcquireResult.Acquired acquired) {
            message.holdIdempotencyKey(new HeldKey(request.key(), acquired.token(), config.ttl()));
            // Renewed from now on, whatever happens to the message's visibility, until it is settled.
            heldKeys.hold(message, acquireSentNanos);
            return Decision.DISPATCH;
        }
        if (payloadDiffers(request, result)) {
            return Decision.settle(router.afterFailure(message, new PermanentFailureException(
                    "the idempotency key of this message was already used for a message with a different body")));
        }
        if (result instanceof AcquireResult.InProgress inProgress) {
            return Decision.skip(new Outcome.RetryAfter(inProgress.leaseRemaining().plus(IN_PROGRESS_SLACK),
                    message.view().receiveCount(), null), true);
        }
        return Decision.skip(new Outcome.Acknowledge(), false);
    }

    /** Fail closed (hold every keyed message back) or open (dispatch them without a lock); returns the pause. */
    private Duration storeUnavailable(List<InFlightMessage> keyed, Map<InFlightMessage, Decision> decisions) {
        events.idempotencyStoreFailed();
        int failures;
        synchronized (outageLock) {
            failures = ++consecutiveFailures;
        }
        Duration backoff = Duration.ofMillis(OUTAGE_BACKOFF.apply(failures));
        if (failures == 1 || failures % 10 == 0) {
            log.warn("the idempotency store is unavailable ({} failed call(s)); {}: {}", failures,
                    config.failOpen() ? "handling messages without a lock (failOpen)"
                            : "holding messages back for " + backoff.toMillis() + " ms", String.valueOf(lastFailure));
        }
        for (InFlightMessage message : keyed) {
            decisions.put(message, config.failOpen() ? Decision.DISPATCH : Decision.HOLD);
        }
        return config.failOpen() ? Duration.ZERO : backoff;
    }

    private boolean payloadDiffers(AcquireRequest request, AcquireResult result) {
        if (!config.validatePayload() || request.payloadHash() == null) {
            return false;
        }
        String recorded = result instanceof AcquireResult.Completed completed ? completed.payloadHash()
                : result instanceof AcquireResult.InProgress inProgress ? inProgress.payloadHash() : null;
        return recorded != null && !recorded.equals(request.payloadHash());
    }

    private String storeKey(SqsMessage message) throws Exception {
        String raw = config.key().keyOf(message);
        if (raw == null || raw.isEmpty()) {
            throw new IllegalArgumentException("the key function returned " + (raw == null ? "null" : "an empty key"));
        }
        return Hashing.sha256Hex(namespace + "\n" + raw);
    }
}
