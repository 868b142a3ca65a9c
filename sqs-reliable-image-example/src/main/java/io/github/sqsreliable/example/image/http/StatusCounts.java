package io.github.sqsreliable.example.image.http;

import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Counts images per status, for the gallery's header and {@code /metrics}. */
final class StatusCounts {

    private StatusCounts() {
    }

    /** How many of {@code images} are in each status, every status present (zeros included), in stage order. */
    static Map<ImageStatus, Integer> of(List<ImageRecord> images) {
        Map<ImageStatus, Integer> counts = new EnumMap<>(ImageStatus.class);
        for (ImageStatus status : ImageStatus.values()) {
            counts.put(status, 0);
        }
        for (ImageRecord image : images) {
            counts.merge(image.status(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }
}
