package io.github.sqsreliable.example.image.http;

import com.sun.net.httpserver.HttpExchange;
import io.github.sqsreliable.example.image.pipeline.StatusBoard;
import io.github.sqsreliable.observe.ConsumerMetrics;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: {@code {"consumers": {name: ConsumerMetrics}, "pipeline": {...}, "images": {status: n}}}.
 */
final class MetricsEndpoint {

    private final Supplier<Map<String, ConsumerMetrics>> consumerMetrics;
    private final Supplier<Map<String, Object>> pipelineCounters;
    private final StatusBoard board;

    MetricsEndpoint(Supplier<Map<String, ConsumerMetrics>> consumerMetrics,
            Supplier<Map<String, Object>> pipelineCounters, StatusBoard board) {
        this.consumerMetrics = Objects.requireNonNull(consumerMetrics, "consumerMetrics");
        this.pipelineCounters = Objects.requireNonNull(pipelineCounters, "pipelineCounters");
        this.board = Objects.requireNonNull(board, "board");
    }

    void handle(HttpExchange exchange) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        // Sorted, so that the answer reads the same from one call to the next.
        body.put("consumers", new TreeMap<>(Objects.requireNonNullElse(consumerMetrics.get(), Map.of())));
        body.put("pipeline", new LinkedHashMap<>(Objects.requireNonNullElse(pipelineCounters.get(), Map.of())));
        body.put("images", StatusCounts.of(board.all()));
        Exchanges.sendJson(exchange, 200, body);
    }
}
