package io.github.sqsreliable.benchmarks.measure;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** This JVM's CPU time, GC time and peak heap over a stretch of work. */
public final class ResourceProbe {

    private final long cpuAtStart;
    private final long gcAtStart;

    private ResourceProbe(long cpuAtStart, long gcAtStart) {
        this.cpuAtStart = cpuAtStart;
        this.gcAtStart = gcAtStart;
    }

    /** Resets the heap pools' peaks and notes the CPU time. */
    public static ResourceProbe start() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        return new ResourceProbe(cpuNanos(), gcMillis());
    }

    /** CPU time used by this JVM since {@link #start()}, in nanoseconds. */
    public long cpuNanosSinceStart() {
        return cpuNanos() - cpuAtStart;
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

    private static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
