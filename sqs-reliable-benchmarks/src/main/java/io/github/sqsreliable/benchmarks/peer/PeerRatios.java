package io.github.sqsreliable.benchmarks.peer;

import io.github.sqsreliable.benchmarks.report.ScenarioResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The library against its peers: for each peer row {@code X-sca} or {@code X-sca-tuned} whose library row
 * {@code X} was measured in the same run, a note with library ÷ peer throughput (the figure a report leads with),
 * and the CPU and SQS requests per message of each.
 */
public final class PeerRatios {

    private PeerRatios() {
    }

    /**
     * @param rows every scenario row, by id
     * @return the rows, the peer rows with their note added
     */
    public static List<ScenarioResult> withLibraryRatios(List<ScenarioResult> rows, Map<String, ScenarioResult> byId) {
        List<ScenarioResult> noted = new ArrayList<>();
        for (ScenarioResult row : rows) {
            int peer = row.id().indexOf("-sca");
            ScenarioResult library = peer < 0 ? null : byId.get(row.id().substring(0, peer));
            if (library == null) {
                noted.add(row);
                continue;
            }
            noted.add(row.withNotes(List.of(String.format("%s / %s: throughput %.2fx (%,.0f vs %,.0f msg/s); "
                            + "consumer CPU per message %.1f vs %.1f µs (%.2fx); SQS requests per message %.3f vs "
                            + "%.3f", library.id(), row.id(), library.median() / row.median(), library.median(),
                    row.median(), library.cpuMicrosPerMessage(), row.cpuMicrosPerMessage(),
                    library.cpuMicrosPerMessage() / row.cpuMicrosPerMessage(), library.sqsRequestsPerMessageTotal(),
                    row.sqsRequestsPerMessageTotal()))));
        }
        return noted;
    }
}
