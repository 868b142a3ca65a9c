package io.github.sqsreliable.example.image.faults;

/**
 * What injected storage throttling throws, like S3's {@code SlowDown} or DynamoDB's throughput errors: the
 * request was refused for now and will work if retried later. The pipeline classifies it as transient.
 */
public final class StorageThrottledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param operation what was throttled, e.g. {@code "blob get originals/abc"} */
    public StorageThrottledException(String operation) {
        super("storage throttled (injected fault): " + operation);
    }
}
