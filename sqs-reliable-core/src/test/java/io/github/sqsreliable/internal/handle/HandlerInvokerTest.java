package io.github.sqsreliable.internal.handle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;

import io.github.sqsreliable.SqsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;
import org.slf4j.MDC;

class HandlerInvokerTest {

    private static final String QUEUE_NAME = "orders";
    private static final SqsMessage MESSAGE = SqsMessage.builder()
            .queueUrl("http://localhost:9324/000000000000/orders")
            .messageId("m-1")
            .body("{\"order\":1}")
            .build();

    @AfterEach
    void clearInterruptFlag() {
        // A test that sets the flag must not leak it into the next test on this thread.
        Thread.interrupted();
    }

    @Test
    void aHandlerThatReturnsYieldsASuccessWithItsDuration() {
        // given: a handler that returns normally
        AtomicReference<SqsMessage> seen = new AtomicReference<>();
        HandlerInvoker invoker = new HandlerInvoker(seen::set, QUEUE_NAME);

        // when: it is invoked
        long before = System.nanoTime();
        HandlerResult result = invoker.invoke(MESSAGE);
        long elapsed = System.nanoTime() - before;

        // then: the handler saw the message, and the result is a success timed within the call
        assertThat(seen.get()).isSameAs(MESSAGE);
        assertThat(result.succeeded()).isTrue();
        assertThat(result.error()).isNull();
        assertThat(result.duration()).isNotNull().isBetween(Duration.ZERO, Duration.ofNanos(elapsed));
    }

    @Test
    void anExceptionIsCapturedInTheResultNotThrown() {
        // given: a handler that throws a checked exception
        IOException failure = new IOException("downstream unavailable");
        HandlerInvoker invoker = new HandlerInvoker(message -> {
            throw failure;
        }, QUEUE_NAME);

        // when: it is invoked
        HandlerResult result = invoker.invoke(MESSAGE);

        // then: the result carries the very exception, and a duration
        assertThat(result.succeeded()).isFalse();
        assertThat(result.error()).isSameAs(failure);
        assertThat(result.duration()).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void anErrorThatIsNotFatalIsCapturedToo() {
        // given: a handler that throws a non-VM error
        AssertionError failure = new AssertionError("handler assertion");
        HandlerInvoker invoker = new HandlerInvoker(message -> {
            throw failure;
        }, QUEUE_NAME);

        // when: it is invoked
        HandlerResult result = invoker.invoke(MESSAGE);

        // then: it is captured like any exception
        assertThat(result.succeeded()).isFalse();
        assertThat(result.error()).isSameAs(failure);
    }

    @Test
    void anInterruptedExceptionKeepsTheThreadInterrupted() {
        // given: a handler that throws InterruptedException (and thereby cleared the flag, as blocking calls do)
        InterruptedException interrupted = new InterruptedException("stop");
        HandlerInvoker invoker = new HandlerInvoker(message -> {
            throw interrupted;
        }, QUEUE_NAME);

        // when: it is invoked
        HandlerResult result = invoker.invoke(MESSAGE);

        // then: the failure is captured and the thread's interrupt flag is set again (cleared here)
        assertThat(result.error()).isSameAs(interrupted);
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void aVirtualMachineErrorPropagates() {
        // given: handlers that run out of memory, or meet an internal error of the VM
        OutOfMemoryError outOfMemory = new OutOfMemoryError("Java heap space");
        InternalError internal = new InternalError("broken VM");
        HandlerInvoker outOfMemoryInvoker = new HandlerInvoker(message -> {
            throw outOfMemory;
        }, QUEUE_NAME);
        HandlerInvoker internalInvoker = new HandlerInvoker(message -> {
            throw internal;
        }, QUEUE_NAME);

        // when / then: each error reaches the caller unchanged
        assertThatThrownBy(() -> outOfMemoryInvoker.invoke(MESSAGE)).isSameAs(outOfMemory);
        assertThatThrownBy(() -> internalInvoker.invoke(MESSAGE)).isSameAs(internal);
    }

    @Test
    void aVirtualMachineErrorFromABatchHandlerPropagates() {
        // given: a batch handler that runs out of memory
        OutOfMemoryError outOfMemory = new OutOfMemoryError("Java heap space");
        HandlerInvoker invoker = new HandlerInvoker(null, messages -> {
            throw outOfMemory;
        }, QUEUE_NAME);

        // when / then: the error reaches the caller unchanged
        assertThatThrownBy(() -> invoker.invokeBatch(List.of(MESSAGE))).isSameAs(outOfMemory);
    }

    @Test
    void aHandlerThatOverflowsItsStackFailsItsMessage() {
        // given: a handler that recurses without end, as one does on a cyclic or too deeply nested document
        HandlerInvoker invoker = new HandlerInvoker(message -> recurseWithoutEnd(0), QUEUE_NAME);

        // when: it is invoked
        HandlerResult result = invoker.invoke(MESSAGE);

        // then: the stack overflow is the message's failure, returned for classification, not thrown
        assertThat(result.succeeded()).isFalse();
        assertThat(result.error()).isInstanceOf(StackOverflowError.class);
        assertThat(result.duration()).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO);
    }

    @Test
    void aBatchHandlerThatOverflowsItsStackFailsItsBatch() {
        // given: a batch handler that recurses without end
        HandlerInvoker invoker = new HandlerInvoker(null, messages -> {
            recurseWithoutEnd(0);
            return null;
        }, QUEUE_NAME);

        // when: it is invoked
        HandlerInvoker.BatchInvocation invocation = invoker.invokeBatch(List.of(MESSAGE));

        // then: the stack overflow is the batch's failure, returned for classification, not thrown
        assertThat(invocation.result()).isNull();
        assertThat(invocation.error()).isInstanceOf(StackOverflowError.class);
    }

    /** Never returns: each call adds a frame until the thread's stack is exhausted. */
    private static int recurseWithoutEnd(int depth) {
        return recurseWithoutEnd(depth + 1) + 1;
    }

    // ---------------------------------------------------------------------------------------------------
    // MDC (the test binding's MDC is a no-op, so MDC's static methods are mocked and verified)
    // ---------------------------------------------------------------------------------------------------

    @Test
    void putsTheMessageIdentityInTheMdcWhileTheHandlerRunsAndRemovesItAfter() {
        try (MockedStatic<MDC> mdc = mockStatic(MDC.class)) {
            // given: a handler that checks the MDC calls made before it runs
            List<AssertionError> failedChecks = new CopyOnWriteArrayList<>();
            HandlerInvoker invoker = new HandlerInvoker(message -> checkMdcWhileRunning(mdc, failedChecks),
                    QUEUE_NAME);

            // when: it is invoked
            HandlerResult result = invoker.invoke(MESSAGE);

            // then: both keys were set before the handler ran, and both are removed after
            assertThat(failedChecks).isEmpty();
            assertThat(result.succeeded()).isTrue();
            mdc.verify(() -> MDC.remove(HandlerInvoker.MDC_QUEUE));
            mdc.verify(() -> MDC.remove(HandlerInvoker.MDC_MESSAGE_ID));
        }
    }

    @Test
    void removesTheMdcKeysWhenTheHandlerThrows() {
        try (MockedStatic<MDC> mdc = mockStatic(MDC.class)) {
            // given: a handler that checks the MDC and then throws
            List<AssertionError> failedChecks = new CopyOnWriteArrayList<>();
            IllegalStateException failure = new IllegalStateException("boom");
            HandlerInvoker invoker = new HandlerInvoker(message -> {
                checkMdcWhileRunning(mdc, failedChecks);
                throw failure;
            }, QUEUE_NAME);

            // when: it is invoked
            HandlerResult result = invoker.invoke(MESSAGE);

            // then: the keys were set while it ran and are removed although it threw
            assertThat(failedChecks).isEmpty();
            assertThat(result.error()).isSameAs(failure);
            mdc.verify(() -> MDC.remove(HandlerInvoker.MDC_QUEUE));
            mdc.verify(() -> MDC.remove(HandlerInvoker.MDC_MESSAGE_ID));
        }
    }

    @Test
    void removesTheMdcKeysWhenAVirtualMachineErrorPropagates() {
        try (MockedStatic<MDC> mdc = mockStatic(MDC.class)) {
            // given: a handler that checks the MDC and then runs out of memory
            List<AssertionError> failedChecks = new CopyOnWriteArrayList<>();
            HandlerInvoker invoker = new HandlerInvoker(message -> {
                checkMdcWhileRunning(mdc, failedChecks);
                throw new OutOfMemoryError("Java heap space");
            }, QUEUE_NAME);

            // when: it is invoked
            assertThatThrownBy(() -> invoker.invoke(MESSAGE)).isInstanceOf(OutOfMemoryError.class);

            // then: the keys are removed on the way out
            assertThat(failedChecks).isEmpty();
            mdc.verify(() -> MDC.remove(HandlerInvoker.MDC_QUEUE));
            mdc.verify(() -> MDC.remove(HandlerInvoker.MDC_MESSAGE_ID));
        }
    }

    @Test
    void mdcKeysHaveTheDocumentedNames() {
        // given / when / then: log configurations depend on these names
        assertThat(HandlerInvoker.MDC_QUEUE).isEqualTo("sqs.queue");
        assertThat(HandlerInvoker.MDC_MESSAGE_ID).isEqualTo("sqs.messageId");
    }

    /**
     * Runs inside the handler: both keys must be in place and none removed yet. Failures are collected rather
     * than thrown, since the invoker would capture them as the handler's error.
     */
    private static void checkMdcWhileRunning(MockedStatic<MDC> mdc, List<AssertionError> failedChecks) {
        try {
            mdc.verify(() -> MDC.put("sqs.queue", QUEUE_NAME));
            mdc.verify(() -> MDC.put("sqs.messageId", "m-1"));
            mdc.verify(() -> MDC.remove(anyString()), never());
        } catch (AssertionError e) {
            failedChecks.add(e);
        }
    }
}
