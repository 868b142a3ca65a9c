package io.github.sqsreliable.benchmarks.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.benchmarks.report.ScenarioResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerRatiosTest {

    @Test
    void notesLibraryOverPeerOnThePeerRowsOnly() {
        ScenarioResult library = row("A", 9000.0, 90.0);
        ScenarioResult peer = row("A-sca-tuned", 3000.0, 180.0);
        ScenarioResult other = row("B", 100.0, 10.0);
        Map<String, ScenarioResult> byId = new LinkedHashMap<>();
        List.of(library, peer, other).forEach(row -> byId.put(row.id(), row));

        List<ScenarioResult> noted = PeerRatios.withLibraryRatios(List.of(library, peer, other), byId);

        assertThat(noted.get(0).notes()).isEmpty();
        assertThat(noted.get(2).notes()).isEmpty();
        assertThat(noted.get(1).notes()).singleElement().asString()
                .startsWith("A / A-sca-tuned: throughput 3.00x (9,000 vs 3,000 msg/s)")
                .contains("consumer CPU per message 90.0 vs 180.0 µs (0.50x)");
    }

    @Test
    void leavesAPeerRowAloneWhenItsLibraryRowWasNotMeasured() {
        ScenarioResult peer = row("C-sca", 1000.0, 400.0);

        List<ScenarioResult> noted = PeerRatios.withLibraryRatios(List.of(peer), Map.of(peer.id(), peer));

        assertThat(noted.get(0).notes()).isEmpty();
    }

    private static ScenarioResult row(String id, double messagesPerSecond, double cpuMicros) {
        return new ScenarioResult(id, id, 1000, List.of(messagesPerSecond), null, Double.NaN, Double.NaN,
                Map.of("ReceiveMessage", 0.1, "DeleteMessageBatch", 0.1), Double.NaN, Double.NaN, Double.NaN, 100.0,
                cpuMicros, 50.0, -1, List.of());
    }
}
