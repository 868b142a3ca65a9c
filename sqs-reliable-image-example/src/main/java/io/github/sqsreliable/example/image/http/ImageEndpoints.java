package io.github.sqsreliable.example.image.http;

import com.sun.net.httpserver.HttpExchange;
import io.github.sqsreliable.example.image.imaging.Variant;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.StatusBoard;
import io.github.sqsreliable.example.image.storage.BlobKeys;
import io.github.sqsreliable.example.image.storage.BlobStore;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code GET /images}, {@code GET /images/{id}} and {@code GET /images/{id}/{variant}}. Ids and variant names
 * are checked against {@link #NAME} before anything else sees them, so no request path reaches the blob store.
 */
final class ImageEndpoints {

    /** What an image id or variant name looks like; anything else is answered 404. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final String ORIGINAL = "original";

    private static final List<String> VARIANTS = Arrays.stream(Variant.values()).map(Variant::id).toList();

    private final StatusBoard board;
    private final BlobStore blobs;

    ImageEndpoints(StatusBoard board, BlobStore blobs) {
        this.board = Objects.requireNonNull(board, "board");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
    }

    void list(HttpExchange exchange) throws IOException {
        Exchanges.sendJson(exchange, 200, board.all());
    }

    void record(HttpExchange exchange, String id) throws IOException {
        Exchanges.sendJson(exchange, 200, find(id));
    }

    void variant(HttpExchange exchange, String id, String variant) throws IOException {
        ImageRecord image = find(id);
        if (variant.equals(ORIGINAL)) {
            byte[] bytes = blobs.get(BlobKeys.original(image.id()))
                    .orElseThrow(() -> ApiException.notFound("the original of image " + image.id() + " is not stored"));
            Exchanges.send(exchange, 200, MediaTypes.ofImage(bytes), bytes);
            return;
        }
        if (!VARIANTS.contains(variant)) {
            throw ApiException.notFound("no such variant; use one of " + String.join(", ", VARIANTS) + " or "
                    + ORIGINAL);
        }
        byte[] bytes = blobs.get(BlobKeys.variant(image.id(), variant))
                .orElseThrow(() -> ApiException.notFound("variant " + variant + " of image " + image.id()
                        + " is not produced (status " + image.status() + ")"));
        Exchanges.send(exchange, 200, MediaTypes.PNG, bytes);
    }

    private ImageRecord find(String id) {
        // The invalid id is not echoed: it is whatever the client put in the path.
        if (!NAME.matcher(id).matches()) {
            throw ApiException.notFound("no such image");
        }
        return board.get(id).orElseThrow(() -> ApiException.notFound("no image with id " + id));
    }
}
