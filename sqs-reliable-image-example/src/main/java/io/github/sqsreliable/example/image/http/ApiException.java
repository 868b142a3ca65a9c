package io.github.sqsreliable.example.image.http;

/**
 * An HTTP error answer, thrown by an endpoint and written by {@link ApiRoutes} as {@code {"error": message}}
 * with {@link #status()}. Endpoints throw instead of writing errors themselves, so every error looks the same.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String allow;

    private ApiException(int status, String message, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.allow = allow;
    }

    static ApiException of(int status, String message) {
        return new ApiException(status, message, null);
    }

    static ApiException badRequest(String message) {
        return of(400, message);
    }

    static ApiException notFound(String message) {
        return of(404, message);
    }

    /** A 405 carrying the {@code Allow} header value, e.g. {@code "GET, POST"}. */
    static ApiException methodNotAllowed(String method, String allow) {
        return new ApiException(405, "method " + method + " not allowed here; allowed: " + allow, allow);
    }

    static ApiException tooLarge(String message) {
        return of(413, message);
    }

    static ApiException unsupportedMediaType(String message) {
        return of(415, message);
    }

    static ApiException unavailable(String message) {
        return of(503, message);
    }

    int status() {
        return status;
    }

    /** The {@code Allow} header of a 405, or {@code null}. */
    String allow() {
        return allow;
    }
}
