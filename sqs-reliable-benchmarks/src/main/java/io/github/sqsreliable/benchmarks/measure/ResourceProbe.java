package io.github.sqsreliable.benchmarks.measure;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This JVM's CPU time, GC time and peak heap over a stretch of work, and the machine's context switches: every
 * hand-off between threads that finds the receiving thread asleep costs one, on whichever side, so they count
 * wake-ups that CPU time alone hides in the kernel.
 */
public final class ResourceProbe {

    private static final Path PROC_STAT = Path.of("/proc/stat");

    private final long cpuAtStart;
    private final long gcAtStart;
    private final long switchesAtStart;
    private final long allocatedAtStart;

    private ResourceProbe(long cpuAtStart, long gcAtStart, long switchesAtStart, long allocatedAtStart) {
        this.cpuAtStart = cpuAtStart;
        this.gcAtStart = gcAtStart;
        this.switchesAtStart = switchesAtStart;
        this.allocatedAtStart = allocatedAtStart;
    }

    /** Resets the heap pools' peaks and notes the CPU time. */
    public static ResourceProbe start() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        return new ResourceProbe(cpuNanos(), gcMillis(), contextSwitches(), allocatedBytes());
    }

    /**
     * Context switches on the whole machine since {@link #start()} (every process: the servers' too), or -1
     * where the OS does not tell (it is read from Linux's {@code /proc/stat}).
     */
    public long contextSwitchesSinceStart() {
        long now = contextSwitches();
        return now < 0 || switchesAtStart < 0 ? -1 : now - switchesAtStart;
    }

    /** CPU time used by this JVM since {@link #start()}, in nanoseconds. */
    public long cpuNanosSinceStart() {
        return cpuNanos() - cpuAtStart;
    }

    /**
     * Heap bytes allocated by this JVM's threads since {@link #start()}, or -1 where the JVM does not tell: unlike
     * CPU time, hardly disturbed by the machine's other load.
     */
    public long allocatedBytesSinceStart() {
        long now = allocatedBytes();
        return now < 0 || allocatedAtStart < 0 ? -1 : now - allocatedAtStart;
    }

    /** Time the garbage collectors took since {@link #start()}, in milliseconds summed over collectors. */
    public long gcMillisSinceStart() {
        return gcMillis() - gcAtStart;
    }

    /** The sum of the heap pools' peaks since {@link #start()}, in megabytes (an upper bound on the peak). */
    public double peakHeapMegabytes() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024.0 * 1024.0);
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static long contextSwitches() {
        try {
            for (String line : Files.readAllLines(PROC_STAT)) {
                if (line.startsWith("ctxt ")) {
                    return Long.parseLong(line.substring(5).trim());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or not readable: reported as unknown
        }
        return -1;
    }

    private static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemoryEnabled()) {
            return threads.getTotalThreadAllocatedBytes();
        }
        return -1;
    }
}
