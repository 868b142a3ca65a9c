package io.github.sqsreliable.example.image.pipeline;

/** Where an uploaded image is in the pipeline. The order of the constants is the order of the stages. */
public enum ImageStatus {
    /** Accepted by the HTTP API and sent to the resize queue. */
    QUEUED,
    /** A resize handler is working on it. */
    PROCESSING,
    /** Variants and metadata are stored; the catalog stage has been asked to record it. */
    RESIZED,
    /** Recorded in the catalog: finished. */
    DONE,
    /** Dead-lettered, with the reason in {@link ImageRecord#failureReason()}: finished. */
    FAILED;

    /** Whether the image will not change any more. */
    public boolean finished() {
        return this == DONE || this == FAILED;
    }
}
