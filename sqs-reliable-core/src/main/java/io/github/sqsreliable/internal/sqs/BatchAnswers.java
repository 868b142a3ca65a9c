package io.github.sqsreliable.internal.sqs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;

/** Reads the two halves of any SQS *Batch answer by entry id, so every caller checks each entry the same way. */
public final class BatchAnswers {

    private BatchAnswers() {
    }

    /**
     * @param successful the answer's successful entries
     * @param id reads an entry's id
     * @param <T> the entry type of that action
     * @return the ids SQS confirmed
     */
    public static <T> Set<String> confirmedIds(List<T> successful, Function<T, String> id) {
        Set<String> ids = new HashSet<>();
        for (T entry : successful) {
            ids.add(id.apply(entry));
        }
        return ids;
    }

    /**
     * @param failed the answer's failed entries
     * @return them by entry id
     */
    public static Map<String, BatchResultErrorEntry> refusedById(List<BatchResultErrorEntry> failed) {
        Map<String, BatchResultErrorEntry> byId = new HashMap<>();
        for (BatchResultErrorEntry entry : failed) {
            byId.put(entry.id(), entry);
        }
        return byId;
    }
}
