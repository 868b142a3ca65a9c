package io.github.sqsreliable.example.image.demo;

import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the demo does.
 *
 * @param images how many images to upload
 * @param users how many users upload them (one FIFO message group each)
 * @param corrupt how many of the images are corrupt
 * @param pipeline the pipeline to run; its data directory is the run's directory
 * @param timeout how long to wait for the pipeline to drain
 * @param out where progress and the summary go
 * @param terminal whether {@code out} is a terminal (progress drawn in place)
 * @param whileServing called with the API's base URI after the pipeline drained, before it is closed
 *     (e.g. to look at the gallery); {@code null} for nothing
 */
public record DemoOptions(int images, int users, int corrupt, PipelineConfig pipeline, Duration timeout,
        PrintStream out, boolean terminal, Consumer<URI> whileServing) {

    /** Validates the components. */
    public DemoOptions {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(out, "out");
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1 (was " + images + ")");
        }
        if (users < 1) {
            throw new IllegalArgumentException("--users must be at least 1 (was " + users + ")");
        }
        if (corrupt < 0 || corrupt > images) {
            throw new IllegalArgumentException("--corrupt must be 0 to --images (was " + corrupt + ")");
        }
    }
}
