package io.github.sqsreliable.micrometer.internal;

import io.github.sqsreliable.lambda.InvocationListener;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * The Micrometer binder on a registry of its own, written out at the end of each invocation in the Embedded Metric
 * Format: one log line per set of dimensions. Names, dimensions, statistics and units are those that Micrometer's
 * CloudWatch registry ({@code micrometer-registry-cloudwatch2}) sends for the same meters, so that an alarm fits both:
 * {@code <name>.count} for a counter (what was counted since the last invocation); {@code .count}, {@code .sum},
 * {@code .avg} and {@code .max} in milliseconds for a timer ({@code .avg} and {@code .max} only when it counted
 * something); {@code .value} for a gauge, left out when not a number. Tags become dimensions in their order.
 */
public final class EmfPublisher extends ConsumerMeters implements InvocationListener {

    private static final Logger log = LoggerFactory.getLogger(EmfPublisher.class);

    private final String namespace;
    private final LambdaEnvironment environment = new LambdaEnvironment();
    // What each counter and timer had counted at the last flush: CloudWatch adds up what it is sent.
    private final Map<Meter.Id, double[]> flushed = new HashMap<>();

    private EmfPublisher(String namespace) {
        super(new SimpleMeterRegistry(), Tags.empty());
        this.namespace = namespace;
    }

    /**
     * @param namespace the CloudWatch namespace, validated
     * @return a publisher for one function
     */
    public static EmfPublisher create(String namespace) {
        return new EmfPublisher(namespace);
    }

    @Override
    public synchronized void onInvocationFinished(ObservedConsumer function) {
        Map<List<Tag>, List<Datum>> byDimensions = new LinkedHashMap<>();
        for (Meter meter : registry().getMeters()) {
            List<Tag> tags = meter.getId().getTags().stream().filter(tag -> !tag.getValue().isBlank()).toList();
            List<Datum> data = byDimensions.computeIfAbsent(tags, t -> new ArrayList<>());
            String name = meter.getId().getName();
            if (meter instanceof Counter counter) {
                double[] last = flushed.computeIfAbsent(meter.getId(), id -> new double[1]);
                double count = counter.count();
                data.add(new Datum(name + ".count", count - last[0], Unit.COUNT));
                last[0] = count;
            } else if (meter instanceof Timer timer) {
                double[] last = flushed.computeIfAbsent(meter.getId(), id -> new double[2]);
                double count = timer.count();
                double sum = timer.totalTime(TimeUnit.MILLISECONDS);
                double newCount = count - last[0];
                double newSum = sum - last[1];
                data.add(new Datum(name + ".sum", newSum, Unit.MILLISECONDS));
                data.add(new Datum(name + ".count", newCount, Unit.COUNT));
                if (newCount > 0) {
                    data.add(new Datum(name + ".avg", newSum / newCount, Unit.MILLISECONDS));
                    data.add(new Datum(name + ".max", timer.max(TimeUnit.MILLISECONDS), Unit.MILLISECONDS));
                }
                last[0] = count;
                last[1] = sum;
            } else if (meter instanceof Gauge gauge) {
                double value = gauge.value();
                if (!Double.isNaN(value)) {
                    data.add(new Datum(name + ".value", value, unit(meter.getId().getBaseUnit())));
                }
            }
        }
        byDimensions.forEach(this::write);
    }

    private void write(List<Tag> tags, List<Datum> data) {
        if (data.isEmpty()) {
            return;
        }
        try {
            MetricsLogger logger = new MetricsLogger(environment);
            logger.setNamespace(namespace);
            DimensionSet dimensions = new DimensionSet();
            for (Tag tag : tags) {
                dimensions.addDimension(tag.getKey(), tag.getValue());
            }
            logger.setDimensions(dimensions);
            // EMF allows 100 metrics per line; the library splits a longer list itself.
            for (Datum datum : data) {
                logger.putMetric(datum.name(), datum.value(), datum.unit());
            }
            logger.flush();
        } catch (RuntimeException e) {
            log.warn("could not write metrics {} in the Embedded Metric Format", tags, e);
        }
    }

    /** The unit the CloudWatch registry gives a gauge: its base unit when CloudWatch knows it, else none. */
    private static Unit unit(String baseUnit) {
        if (baseUnit == null) {
            return Unit.NONE;
        }
        return switch (baseUnit) {
            case "seconds" -> Unit.SECONDS;
            case "bytes" -> Unit.BYTES;
            default -> Unit.NONE;
        };
    }

    private record Datum(String name, double value, Unit unit) {
    }
}
