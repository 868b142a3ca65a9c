package io.github.sqsreliable.example.image.tracing;

import io.github.sqsreliable.tracing.OpenTelemetryTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Renders one trace's spans as an indented tree, children under their parent in start order. */
public final class SpanTree {

    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey(OpenTelemetryTracing.OUTCOME_ATTRIBUTE);
    private static final AttributeKey<Long> RECEIVE_COUNT =
            AttributeKey.longKey(OpenTelemetryTracing.RECEIVE_COUNT_ATTRIBUTE);

    private SpanTree() {
    }

    /**
     * @param spans the spans of one trace, in any order
     * @return one line per span, e.g. {@code "  catalog-requests process  12 ms  receive 2  outcome acknowledged"}
     */
    public static List<String> render(List<SpanData> spans) {
        Set<String> ids = new HashSet<>();
        spans.forEach(span -> ids.add(span.getSpanId()));
        Map<String, List<SpanData>> children = new HashMap<>();
        List<SpanData> roots = new ArrayList<>();
        for (SpanData span : spans) {
            String parent = span.getParentSpanId();
            if (span.getParentSpanContext().isValid() && ids.contains(parent)) {
                children.computeIfAbsent(parent, p -> new ArrayList<>()).add(span);
            } else {
                roots.add(span);
            }
        }
        List<String> lines = new ArrayList<>();
        roots.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
        for (SpanData root : roots) {
            append(root, 0, children, lines);
        }
        return lines;
    }

    private static void append(SpanData span, int depth, Map<String, List<SpanData>> children, List<String> lines) {
        StringBuilder line = new StringBuilder("  ".repeat(depth)).append(span.getName())
                .append("  ").append((span.getEndEpochNanos() - span.getStartEpochNanos()) / 1_000_000).append(" ms");
        Long receiveCount = span.getAttributes().get(RECEIVE_COUNT);
        if (receiveCount != null) {
            line.append("  receive ").append(receiveCount);
        }
        String outcome = span.getAttributes().get(OUTCOME);
        if (outcome != null) {
            line.append("  outcome ").append(outcome);
        }
        if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
            line.append("  error");
            span.getEvents().stream().filter(event -> event.getName().equals("exception")).findFirst()
                    .map(event -> event.getAttributes().get(AttributeKey.stringKey("exception.message")))
                    .ifPresent(message -> line.append(": ").append(message));
        }
        lines.add(line.toString());
        List<SpanData> below = new ArrayList<>(children.getOrDefault(span.getSpanId(), List.of()));
        below.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
        for (SpanData child : below) {
            append(child, depth + 1, children, lines);
        }
    }
}
