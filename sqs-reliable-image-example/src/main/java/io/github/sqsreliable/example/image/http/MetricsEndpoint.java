package io.github.sqsreliable.example.image.http;

import com.sun.net.httpserver.HttpExchange;
import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory;
import io.github.sqsreliable.example.image.pipeline.StatusBoard;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: {@code {"consumers": {name: ConsumerMetrics}, "pipeline": {...}, "images": {status: n}}},
 * or the consumers' {@code sqs.reliable.*} meters in the Prometheus or OpenMetrics text format when the request asks
 * for it ({@link MetricsFormat});
 * {@code GET /metrics/history}: each queue's depth over the last minutes, {@code {"queues": [{"consumer",
 * "queue", "role", "points": [{"at": epoch millis, "visible", "inFlight"}, ...]}, ...]}}, oldest point first.
 */
final class MetricsEndpoint {

    private final Supplier<Map<String, ConsumerMetrics>> consumerMetrics;
    private final Supplier<Map<String, Object>> pipelineCounters;
    private final StatusBoard board;
    private final Supplier<List<QueueDepthHistory.Series>> queueDepths;
    private final PrometheusMeterRegistry meters;

    MetricsEndpoint(Supplier<Map<String, ConsumerMetrics>> consumerMetrics,
            Supplier<Map<String, Object>> pipelineCounters, StatusBoard board,
            Supplier<List<QueueDepthHistory.Series>> queueDepths, PrometheusMeterRegistry meters) {
        this.consumerMetrics = Objects.requireNonNull(consumerMetrics, "consumerMetrics");
        this.pipelineCounters = Objects.requireNonNull(pipelineCounters, "pipelineCounters");
        this.board = Objects.requireNonNull(board, "board");
        this.queueDepths = Objects.requireNonNull(queueDepths, "queueDepths");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    void handle(HttpExchange exchange) throws IOException {
        MetricsFormat format = MetricsFormat.negotiate(Exchanges.queryParameter(exchange, "format"),
                exchange.getRequestHeaders().getFirst("Accept"));
        // The answer depends on Accept: a cache between here and the client must not mix the formats up.
        exchange.getResponseHeaders().set("Vary", "Accept");
        if (format != MetricsFormat.JSON) {
            Exchanges.send(exchange, 200, format.contentType(),
                    meters.scrape(format.contentType()).getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        // Sorted, so that the answer reads the same from one call to the next.
        body.put("consumers", new TreeMap<>(Objects.requireNonNullElse(consumerMetrics.get(), Map.of())));
        body.put("pipeline", new LinkedHashMap<>(Objects.requireNonNullElse(pipelineCounters.get(), Map.of())));
        body.put("images", StatusCounts.of(board.all()));
        Exchanges.sendJson(exchange, 200, body);
    }

    void history(HttpExchange exchange) throws IOException {
        List<Map<String, Object>> queues = new ArrayList<>();
        for (QueueDepthHistory.Series series : Objects.requireNonNullElse(queueDepths.get(),
                List.<QueueDepthHistory.Series>of())) {
            List<Map<String, Object>> points = new ArrayList<>(series.points().size());
            for (QueueDepthHistory.Point point : series.points()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("at", point.at().toEpochMilli());
                json.put("visible", point.visible());
                json.put("inFlight", point.inFlight());
                points.add(json);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("consumer", series.consumer());
            json.put("queue", series.queueName());
            json.put("role", series.role().name());
            json.put("points", points);
            queues.add(json);
        }
        Exchanges.sendJson(exchange, 200, Map.of("queues", queues));
    }
}
