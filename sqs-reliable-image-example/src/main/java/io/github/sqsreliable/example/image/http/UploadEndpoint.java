package io.github.sqsreliable.example.image.http;

import com.sun.net.httpserver.HttpExchange;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import io.github.sqsreliable.example.image.pipeline.Ingress;
import io.github.sqsreliable.example.image.pipeline.UploadRejectedException;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /images?user=<id>} (or header {@code X-User-Id}) with the image bytes as the body: checks what the
 * headers already tell, reads at most one byte more than the limit, and hands the rest of the judgement to the
 * {@link Ingress}.
 */
final class UploadEndpoint {

    static final String USER_HEADER = "X-User-Id";

    private static final Logger LOG = LoggerFactory.getLogger(UploadEndpoint.class);
    // readNBytes allocates up to its argument; keep below the JDK's largest array.
    private static final long MAX_READ = Integer.MAX_VALUE - 16;

    private final Ingress ingress;

    UploadEndpoint(Ingress ingress) {
        this.ingress = Objects.requireNonNull(ingress, "ingress");
    }

    void handle(HttpExchange exchange) throws IOException {
        long limit = ingress.maxUploadBytes();
        String declaredLength = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declaredLength != null && parseLength(declaredLength) > limit) {
            // Answer before reading: the server drains a little of the body, then drops the connection.
            throw ApiException.tooLarge("upload too large: declared " + declaredLength.trim()
                    + " bytes, the limit is " + limit);
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && !contentType.isBlank() && !MediaTypes.acceptableUpload(contentType)) {
            throw ApiException.unsupportedMediaType("unsupported Content-Type '" + MediaTypes.essence(contentType)
                    + "': send the image bytes as image/* or application/octet-stream");
        }
        String user = Exchanges.queryParameter(exchange, "user")
                .orElseGet(() -> exchange.getRequestHeaders().getFirst(USER_HEADER));
        // One byte over the limit is enough for the Ingress to see that the body is too large. The stream stays
        // open: closing it would drop the rest of a refused body before the answer is out.
        byte[] body = exchange.getRequestBody().readNBytes((int) Math.min(limit, MAX_READ) + 1);
        ImageRecord record;
        try {
            record = ingress.accept(user, body);
        } catch (UploadRejectedException e) {
            throw ApiException.of(e.httpStatus(), e.reason());
        } catch (IllegalStateException e) {
            LOG.warn("Upload of user {} stored but not queued", user, e);
            throw ApiException.unavailable("could not queue the image for resizing; try again later");
        }
        String statusUrl = "/images/" + record.id();
        exchange.getResponseHeaders().set("Location", statusUrl);
        Exchanges.sendJson(exchange, 202, new Accepted(record.id(), record.status(), statusUrl));
    }

    private static long parseLength(String value) {
        try {
            long length = Long.parseLong(value.trim());
            if (length < 0) {
                throw ApiException.badRequest("invalid Content-Length: " + value);
            }
            return length;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid Content-Length: " + value);
        }
    }

    /** The 202 answer's body. */
    record Accepted(String id, ImageStatus status, String statusUrl) {
    }
}
