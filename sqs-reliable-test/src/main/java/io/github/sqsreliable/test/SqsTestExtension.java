package io.github.sqsreliable.test;

import io.github.sqsreliable.test.internal.QueueNames;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * A JUnit 5 extension that runs tests against the JVM's {@link EmbeddedSqs#shared() embedded SQS} (started once,
 * on first use) and injects into test, lifecycle and constructor parameters:
 * <ul>
 *   <li>{@link SqsAsyncClient}: the shared client of the embedded SQS; do not close it;</li>
 *   <li>{@link EmbeddedSqs}: the server, with its helpers ({@link EmbeddedSqs#sendMessages},
 *       {@link EmbeddedSqs#awaitDrained}, {@link EmbeddedSqs#readAll});</li>
 *   <li>{@link TestQueue}: a fresh queue for this parameter, shaped by {@link QueueOptions}, named after the test
 *       method (characters SQS rejects become {@code _}) plus a unique part; its dead-letter and retry queues, if
 *       asked for, are named like it with {@code -dlq} and {@code -retry}.</li>
 * </ul>
 * Queues are deleted when the test (or, for a {@code @BeforeAll} parameter, the class) is done.
 *
 * <pre>{@code
 * @ExtendWith(SqsTestExtension.class)
 * class OrderHandlerTest {
 *     @Test
 *     void handlesOrders(EmbeddedSqs sqs, @QueueOptions(deadLetterQueue = true) TestQueue queue) { ... }
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe: tests may run in parallel.
 */
public final class SqsTestExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SqsTestExtension.class);
    private static final Duration MAX_VISIBILITY_TIMEOUT = Duration.ofHours(12);

    /** Creates the extension; JUnit does, for {@code @ExtendWith(SqsTestExtension.class)}. */
    public SqsTestExtension() {
    }

    /**
     * @param parameterContext the parameter
     * @param extensionContext the test
     * @return whether the parameter is an {@link SqsAsyncClient}, an {@link EmbeddedSqs} or a {@link TestQueue}
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == SqsAsyncClient.class || type == EmbeddedSqs.class || type == TestQueue.class;
    }

    /**
     * @param parameterContext the parameter
     * @param extensionContext the test
     * @return the shared client, the shared server, or a fresh queue
     * @throws ParameterResolutionException if a {@link QueueOptions} is invalid, naming the attribute and its value
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        if (type == SqsAsyncClient.class) {
            return sqs.client();
        }
        if (type == EmbeddedSqs.class) {
            return sqs;
        }
        QueueOptions options = parameterContext.findAnnotation(QueueOptions.class).orElse(null);
        String prefix = extensionContext.getTestMethod().map(Method::getName)
                .orElseGet(() -> extensionContext.getRequiredTestClass().getSimpleName());
        TestQueue queue = createQueues(sqs, prefix, options);
        extensionContext.getStore(NAMESPACE).put(queue.url(), new QueueDeletion(sqs, queue.allUrls()));
        return queue;
    }

    static TestQueue createQueues(EmbeddedSqs sqs, String prefix, QueueOptions options) {
        boolean fifo = options != null && options.fifo();
        boolean deadLetterQueue = options != null && options.deadLetterQueue();
        boolean retryQueue = options != null && options.retryQueue();
        int maxReceiveCount = options == null ? 0 : options.maxReceiveCount();
        Duration visibilityTimeout = options == null ? Duration.ofSeconds(30)
                : visibilityTimeout(options.visibilityTimeout());
        if (maxReceiveCount < 0) {
            throw new ParameterResolutionException("@QueueOptions maxReceiveCount (" + maxReceiveCount
                    + ") must be 0 (no RedrivePolicy) or more");
        }
        if (maxReceiveCount > 0 && !deadLetterQueue) {
            throw new ParameterResolutionException("@QueueOptions maxReceiveCount (" + maxReceiveCount
                    + ") needs deadLetterQueue = true: the RedrivePolicy targets that queue");
        }
        if (fifo && retryQueue) {
            throw new ParameterResolutionException("@QueueOptions retryQueue must not be set with fifo: "
                    + "sqs-reliable's retry queues are for standard queues, a second queue would break FIFO order");
        }
        QueueSpec spec = new QueueSpec(prefix, fifo, visibilityTimeout, null, 0);
        String name = QueueNames.unique(prefix, fifo);
        String dlqUrl = deadLetterQueue ? sqs.createNamedQueue(QueueNames.companion(name, "-dlq"), spec) : null;
        String retryUrl = retryQueue ? sqs.createNamedQueue(QueueNames.companion(name, "-retry"), spec) : null;
        QueueSpec sourceSpec = maxReceiveCount > 0 ? spec.redriveTo(dlqUrl, maxReceiveCount) : spec;
        String url = sqs.createNamedQueue(name, sourceSpec);
        return new TestQueue(name, url, fifo, dlqUrl, retryUrl);
    }

    private static Duration visibilityTimeout(String text) {
        Duration timeout;
        try {
            timeout = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new ParameterResolutionException("@QueueOptions visibilityTimeout (" + text
                    + ") must be an ISO-8601 duration such as PT2S", e);
        }
        if (timeout.isNegative() || timeout.compareTo(MAX_VISIBILITY_TIMEOUT) > 0 || timeout.getNano() != 0) {
            throw new ParameterResolutionException("@QueueOptions visibilityTimeout (" + text
                    + ") must be whole seconds from PT0S to PT12H");
        }
        return timeout;
    }

    /** Deletes a test's queues when JUnit closes the test's store. */
    private record QueueDeletion(EmbeddedSqs sqs, List<String> queueUrls) implements AutoCloseable {
        @Override
        public void close() {
            for (String queueUrl : queueUrls) {
                // A queue the test deleted itself, or a server stopping with the JVM: nothing to clean up.
                sqs.client().deleteQueue(r -> r.queueUrl(queueUrl)).exceptionally(e -> null).join();
            }
        }
    }
}
