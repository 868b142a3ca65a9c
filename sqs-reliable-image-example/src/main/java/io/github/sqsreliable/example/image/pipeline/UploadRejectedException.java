package io.github.sqsreliable.example.image.pipeline;

/**
 * An upload the API refuses before queueing anything: the HTTP status to answer with and a reason a person
 * can act on.
 */
public final class UploadRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    /**
     * @param httpStatus a 4xx status, e.g. 400, 413 or 415
     * @param reason what is wrong with the upload
     */
    public UploadRejectedException(int httpStatus, String reason) {
        super(reason);
        if (httpStatus < 400 || httpStatus > 499) {
            throw new IllegalArgumentException("httpStatus must be 4xx: " + httpStatus);
        }
        this.httpStatus = httpStatus;
    }

    /** The 4xx status to answer with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** What is wrong with the upload. */
    public String reason() {
        return getMessage();
    }
}
