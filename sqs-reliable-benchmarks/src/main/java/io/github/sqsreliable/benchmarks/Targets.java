package io.github.sqsreliable.benchmarks;

import io.github.sqsreliable.benchmarks.report.ScenarioResult;
import io.github.sqsreliable.benchmarks.scenario.Bench;
import java.util.LinkedHashMap;
import java.util.Map;

/** The targets, checked against one run's rows. */
final class Targets {

    private Targets() {
    }

    /**
     * What a large-message row's consumer JVM held: the most its heap held right after a collection, and the same
     * for its raw loop, which holds whatever its receives in flight return, in a JVM with the same heap. (A young
     * collection leaves the old generation's garbage in place, so the figure is an upper bound of what was live,
     * and varies between runs: the raw loop's, measured in turns, is the fair comparison.)
     */
    record HeldHeap(double afterCollectionMegabytes, double rawAfterCollectionMegabytes) {}

    static Map<String, Boolean> evaluate(Map<String, ScenarioResult> rows) {
        return evaluate(rows, Map.of(), null);
    }

    /**
     * @param heldHeaps by row id, for the large-message scenarios measured
     * @param cpuBaseline the raw loop that hands messages to worker threads, or {@code null} when not measured
     */
    static Map<String, Boolean> evaluate(Map<String, ScenarioResult> rows, Map<String, HeldHeap> heldHeaps,
            ScenarioResult cpuBaseline) {
        Map<String, Boolean> targets = new LinkedHashMap<>();
        ScenarioResult a = rows.get("A");
        ScenarioResult b = rows.get("B");
        ScenarioResult c = rows.get("C");
        ScenarioResult d = rows.get("D");
        ScenarioResult e = rows.get("E");
        ScenarioResult l = rows.get("L");
        // A partial run (--only) checks the targets of the scenarios it measured.
        if (a != null) {
            targets.put("A >= 1.0x the best raw loop, default settings, README client", a.ratio() >= 1.0);
            targets.put("A: SQS requests per message <= 0.21", a.sqsRequestsPerMessageTotal() <= 0.21);
        }
        if (b != null) {
            targets.put("B >= 0.95 of the Little's-law ideal", b.ratio() >= 0.95);
        }
        if (c != null) {
            targets.put("C >= 0.9x the raw FIFO loop", c.ratio() >= 0.9);
            targets.put("C: 0 order violations", c.orderViolations() == 0);
            targets.put("C: SQS requests per message <= 0.21", c.sqsRequestsPerMessageTotal() <= 0.21);
        }
        for (ScenarioResult row : java.util.stream.Stream.of(a, c).filter(java.util.Objects::nonNull).toList()) {
            if (cpuBaseline != null) {
                targets.put(row.id() + ": consumer CPU per message <= 1.2x " + cpuBaseline.id() + "'s",
                        row.cpuMicrosPerMessage() <= 1.2 * cpuBaseline.cpuMicrosPerMessage());
            }
        }
        if (d != null) {
            targets.put("D >= 0.9x A", d.ratio() >= 0.9);
            targets.put("D: Redis round trips per message <= 0.2", d.redisRoundTripsPerMessage() <= 0.2);
        }
        if (e != null) {
            double extensionCalls = (e.sqsRequestsPerMessage().getOrDefault("ChangeMessageVisibilityBatch", 0.0)
                    + e.sqsRequestsPerMessage().getOrDefault("ChangeMessageVisibility", 0.0)) / Bench.EXTENSION_PERIODS;
            targets.put("E: <= 0.15 ChangeMessageVisibility* requests per message per period", extensionCalls <= 0.15);
        }
        heldHeaps.forEach((id, held) -> targets.put(id + ": heap after a collection below the raw loop's (the "
                + "byte budget bounds it)", held.afterCollectionMegabytes() < held.rawAfterCollectionMegabytes()));
        ScenarioResult n = rows.get("N");
        ScenarioResult nFifo = rows.get("N-fifo");
        if (n != null) {
            targets.put("N >= 0.95x the best raw loop at 20 ms", n.ratio() >= 0.95);
        }
        ScenarioResult nSca = rows.get("N-sca");
        if (n != null && nSca != null) {
            targets.put("N >= 3x Spring Cloud AWS defaults at 20 ms", n.median() >= 3 * nSca.median());
        }
        if (nFifo != null) {
            targets.put("N-fifo >= 0.9x the best raw FIFO loop at 20 ms", nFifo.ratio() >= 0.9);
            targets.put("N-fifo: 0 order violations", nFifo.orderViolations() == 0);
        }
        if (l != null) {
            targets.put("L: receive-to-handler p99 < 2 ms when not saturated", l.receiveToHandlerP99Millis() < 2.0);
        }
        return targets;
    }
}
