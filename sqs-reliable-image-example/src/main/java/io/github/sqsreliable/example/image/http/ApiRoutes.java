package io.github.sqsreliable.example.image.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.sqsreliable.example.image.pipeline.StatusBoard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's one handler: matches method and path to an endpoint, and turns what the endpoint throws into a
 * JSON error answer. The whole route table is {@link #route}.
 */
final class ApiRoutes implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    /** The most of a refused request's body read and dropped after answering: {@value} bytes (1 MiB). */
    static final long MAX_DISCARDED_BODY = 1024 * 1024;

    private final UploadEndpoint upload;
    private final ImageEndpoints images;
    private final MetricsEndpoint metrics;
    private final StatusBoard board;

    ApiRoutes(UploadEndpoint upload, ImageEndpoints images, MetricsEndpoint metrics, StatusBoard board) {
        this.upload = Objects.requireNonNull(upload, "upload");
        this.images = Objects.requireNonNull(images, "images");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.board = Objects.requireNonNull(board, "board");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange, exchange.getRequestMethod(), segments(exchange.getRequestURI().getRawPath()));
        } catch (ApiException e) {
            if (e.allow() != null) {
                exchange.getResponseHeaders().set("Allow", e.allow());
            }
            answerError(exchange, e.status(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            answerError(exchange, 500, "internal error: " + e.getClass().getSimpleName());
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange, String method, List<String> path) throws IOException {
        if (path.isEmpty()) {
            requireGet(method);
            Exchanges.send(exchange, 200, Exchanges.HTML,
                    GalleryPage.render(board.all()).getBytes(StandardCharsets.UTF_8));
        } else if (path.equals(List.of("metrics"))) {
            requireGet(method);
            metrics.handle(exchange);
        } else if (path.equals(List.of("metrics", "history"))) {
            requireGet(method);
            metrics.history(exchange);
        } else if (path.get(0).equals("images") && path.size() == 1) {
            switch (method) {
                case "GET" -> images.list(exchange);
                case "POST" -> upload.handle(exchange);
                default -> throw ApiException.methodNotAllowed(method, "GET, POST");
            }
        } else if (path.get(0).equals("images") && path.size() == 2) {
            requireGet(method);
            images.record(exchange, path.get(1));
        } else if (path.get(0).equals("images") && path.size() == 3) {
            requireGet(method);
            images.variant(exchange, path.get(1), path.get(2));
        } else {
            throw ApiException.notFound("no such resource");
        }
    }

    private static void requireGet(String method) {
        if (!method.equals("GET")) {
            throw ApiException.methodNotAllowed(method, "GET");
        }
    }

    /**
     * The raw (still percent-encoded) path split at {@code /}, ignoring one leading and one trailing slash:
     * {@code "/images/abc/"} gives {@code [images, abc]}. Encoded characters never match an id, so they 404.
     */
    static List<String> segments(String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        path = path.startsWith("/") ? path.substring(1) : path;
        path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return path.isEmpty() ? List.of() : Arrays.asList(path.split("/", -1));
    }

    private static void answerError(HttpExchange exchange, int status, String message) throws IOException {
        if (exchange.getResponseCode() != -1) {
            // Headers are already out (the client went away mid-answer, say); nothing more can be said.
            LOG.debug("Cannot answer {} {} with {}: answer already started", exchange.getRequestMethod(),
                    exchange.getRequestURI(), status);
            return;
        }
        Exchanges.sendError(exchange, status, message);
        // The answer goes out first, then the rest of a refused upload is dropped so the client can read it.
        exchange.getResponseBody().flush();
        Exchanges.discardRequestBody(exchange, MAX_DISCARDED_BODY);
    }
}
