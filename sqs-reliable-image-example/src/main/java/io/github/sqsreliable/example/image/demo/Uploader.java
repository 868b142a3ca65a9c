package io.github.sqsreliable.example.image.demo;

import io.github.sqsreliable.example.image.pipeline.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Uploads images to the pipeline's HTTP API, as any client would. Thread-safe. */
final class Uploader implements AutoCloseable {

    /** What the API answered. */
    record Answer(int status, String imageId, String error) {
        boolean accepted() {
            return status == 202;
        }
    }

    private final URI baseUri;
    private final HttpClient http;

    Uploader(URI baseUri) {
        this.baseUri = baseUri;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    Answer upload(String userId, byte[] bytes, String contentType) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        baseUri.resolve("/images?user=" + URLEncoder.encode(userId, StandardCharsets.UTF_8)))
                .header("Content-Type", contentType)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Map<?, ?> body = response.body().isBlank() ? Map.of() : Json.read(response.body(), Map.class);
        Object id = body.get("id");
        Object error = body.get("error");
        return new Answer(response.statusCode(), id == null ? null : id.toString(),
                error == null ? null : error.toString());
    }

    @Override
    public void close() {
        // HttpClient gained close() only in Java 21; on 17 its threads end when it becomes unreachable.
    }
}
