package io.github.sqsreliable.micrometer;

import io.github.sqsreliable.micrometer.internal.ConsumerMeters;
import io.github.sqsreliable.micrometer.internal.EmfPublisher;
import io.github.sqsreliable.observe.ConsumerListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;

/**
 * Metrics for a consumer or a Lambda function, in one line.
 *
 * <p>A polling consumer, with any Micrometer registry (Prometheus, CloudWatch, OTLP, ...):
 * <pre>{@code
 * SqsConsumer consumer = SqsConsumer.builder()
 *         .sqsClient(sqs).queueUrl(queueUrl).handler(handler)
 *         .listener(SqsReliableMeters.bindTo(registry))
 *         .build();
 * }</pre>
 * A Lambda function, to CloudWatch without an agent (the Embedded Metric Format, written to standard output at the
 * end of each invocation; needs {@code software.amazon.cloudwatchlogs:aws-embedded-metrics} on the classpath):
 * <pre>{@code
 * SqsBatchFunction.builder().handler(handler).listener(SqsReliableMeters.emf())
 * }</pre>
 * Both produce the same CloudWatch metric names and dimensions: an alarm written for one fits the other. The meters,
 * their tags and their CloudWatch names are listed in {@code docs/metrics.md}.
 *
 * <p>Each call returns a new listener: give each consumer (or function) its own. A listener given to a second
 * consumer logs a warning once and ignores that consumer's gauges; its counters and timers still count, tagged with
 * the first consumer's name. Listeners are thread-safe. With no listener registered, the consumer builds no events
 * and nothing is registered.
 */
public final class SqsReliableMeters {

    /** The CloudWatch namespace of {@link #emf()}: {@value}. */
    public static final String DEFAULT_EMF_NAMESPACE = "SqsReliable";

    private SqsReliableMeters() {
    }

    /**
     * A listener that registers the consumer's meters in {@code registry}: counters and timers as events arrive,
     * gauges when the consumer starts (removed when it closes).
     *
     * @param registry where the meters go; the caller keeps ownership of it
     * @return a listener for one consumer
     * @throws NullPointerException if {@code registry} is null
     */
    public static ConsumerListener bindTo(MeterRegistry registry) {
        return bindTo(registry, Tags.empty());
    }

    /**
     * As {@link #bindTo(MeterRegistry)}, with tags added to every meter (for instance the service or environment).
     *
     * @param registry where the meters go; the caller keeps ownership of it
     * @param tags added to every meter; they must not use the names of the library's own tags ({@code consumer},
     *     {@code queue}, {@code outcome}, {@code error.kind}, {@code reason}, {@code in.progress}, {@code role})
     * @return a listener for one consumer
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a tag uses one of the library's tag names
     */
    public static ConsumerListener bindTo(MeterRegistry registry, Iterable<Tag> tags) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(tags, "tags");
        return new ConsumerMeters(registry, Tags.of(tags));
    }

    /**
     * A listener for an {@code SqsBatchFunction} that writes its metrics to standard output at the end of each
     * invocation in CloudWatch's Embedded Metric Format, in the namespace {@value #DEFAULT_EMF_NAMESPACE}. Lambda
     * sends standard output to CloudWatch Logs, which extracts the metrics: no agent and no PutMetricData calls.
     * The metric names and dimensions are those that Micrometer's CloudWatch registry gives the meters of
     * {@link #bindTo(MeterRegistry)}: counters end in {@code .count}, timers in {@code .count}, {@code .sum},
     * {@code .avg} and {@code .max} (milliseconds), gauges in {@code .value}.
     *
     * <p>Needs {@code sqs-reliable-lambda} and {@code software.amazon.cloudwatchlogs:aws-embedded-metrics} on the
     * classpath.
     *
     * @return a listener for one function
     * @throws IllegalStateException if {@code sqs-reliable-lambda} or {@code aws-embedded-metrics} is not on the
     *     classpath
     */
    public static ConsumerListener emf() {
        return emf(DEFAULT_EMF_NAMESPACE);
    }

    /**
     * As {@link #emf()}, in the given CloudWatch namespace.
     *
     * @param namespace 1 to 255 characters, as CloudWatch allows
     * @return a listener for one function
     * @throws NullPointerException if {@code namespace} is null
     * @throws IllegalArgumentException if {@code namespace} is blank or longer than 255 characters
     * @throws IllegalStateException if {@code sqs-reliable-lambda} or {@code aws-embedded-metrics} is not on the
     *     classpath
     */
    public static ConsumerListener emf(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isBlank() || namespace.length() > 255) {
            throw new IllegalArgumentException("namespace must be 1 to 255 characters, was '" + namespace + "'");
        }
        requireClass("io.github.sqsreliable.lambda.InvocationListener", "io.github.sqsreliable:sqs-reliable-lambda");
        requireClass("software.amazon.cloudwatchlogs.emf.logger.MetricsLogger",
                "software.amazon.cloudwatchlogs:aws-embedded-metrics");
        return EmfPublisher.create(namespace);
    }

    private static void requireClass(String className, String artifact) {
        try {
            Class.forName(className, false, SqsReliableMeters.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("SqsReliableMeters.emf() needs " + artifact + " on the classpath: add "
                    + "it to the function's dependencies (docs/metrics.md)", e);
        }
    }
}
