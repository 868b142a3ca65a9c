package io.github.sqsreliable.benchmarks.measure;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The CPU time of the server processes this benchmark started (the ElasticMQ JVM, and redis-server unless the
 * tests' fixture found one at {@code REDIS_URL}). On a machine whose cores the consumer shares with the servers,
 * the consumer's CPU per message and the servers' together bound the throughput.
 */
public final class ServerCpu implements LongSupplier {

    private final List<ProcessHandle> servers;

    private ServerCpu(List<ProcessHandle> servers) {
        this.servers = servers;
    }

    /** This JVM's child processes at the time of the call: start the servers first. */
    public static ServerCpu ofChildProcesses() {
        return new ServerCpu(ProcessHandle.current().children().toList());
    }

    /** What the servers are, for the report: their commands' names. */
    public List<String> names() {
        return servers.stream()
                .map(server -> server.info().command().map(command -> command.replaceAll(".*/", "")).orElse("?"))
                .toList();
    }

    /** The servers' CPU time so far in nanoseconds, or -1 when the OS does not tell. */
    @Override
    public long getAsLong() {
        long total = 0;
        for (ProcessHandle server : servers) {
            Duration cpu = server.info().totalCpuDuration().orElse(null);
            if (cpu == null) {
                return -1;
            }
            total += cpu.toNanos();
        }
        return total;
    }
}
