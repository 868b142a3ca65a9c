package io.github.sqsreliable.example.image.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.github.sqsreliable.example.image.pipeline.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** Reads query parameters and writes answers, with the headers every answer of the API carries. */
final class Exchanges {

    static final String JSON = "application/json; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";

    private Exchanges() {
    }

    /** Answers {@code body} as JSON. */
    static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, JSON, Json.writeBytes(body));
    }

    /** Answers {@code {"error": message}}. */
    static void sendError(HttpExchange exchange, int status, String message) throws IOException {
        sendJson(exchange, status, Map.of("error", message));
    }

    /**
     * Answers {@code body}. Every answer is {@code no-store}: records, metrics and the gallery change all the
     * time, and a variant that is missing now may exist a second later. {@code nosniff} keeps browsers from
     * reading an uploaded original as anything but its declared type.
     */
    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", contentType);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    /**
     * Reads and drops what is left of the request body, at most {@code limit} bytes, so that a client still
     * sending an upload we already refused gets to read the answer: closing a socket with unread input resets
     * the connection, and the client may lose the answer with it. Bodies declared larger than {@code limit} are
     * left alone (the connection is dropped instead), and nothing is kept in memory.
     */
    static void discardRequestBody(HttpExchange exchange, long limit) {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            if (declared != null && Long.parseLong(declared.trim()) > limit) {
                return;
            }
        } catch (NumberFormatException e) {
            return;
        }
        byte[] buffer = new byte[8192];
        long left = limit;
        try {
            InputStream in = exchange.getRequestBody();
            int read;
            while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1) {
                left -= read;
            }
        } catch (IOException e) {
            // The client has gone; there is nobody left to answer.
        }
    }

    /**
     * The first value of query parameter {@code name}, URL-decoded.
     *
     * @throws ApiException 400 if the query string is not validly encoded
     */
    static Optional<String> queryParameter(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null || query.isEmpty()) {
            return Optional.empty();
        }
        try {
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                if (key.equals(name)) {
                    return Optional.of(equals < 0 ? ""
                            : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed query string: " + e.getMessage());
        }
        return Optional.empty();
    }
}
