package io.github.sqsreliable.benchmarks.scenario;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** How much the JIT compiler works: compiling competes with the measured code for the cores. */
final class Jit {

    private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

    private Jit() {
    }

    /** The compilers' time so far, in milliseconds summed over compiler threads; 0 when the JVM cannot tell. */
    static long compileMillis() {
        return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported()
                ? COMPILER.getTotalCompilationTime() : 0;
    }

    /** Compile time since {@code compileMillisAtStart} as a fraction of the wall time since {@code nanosAtStart}. */
    static double busyFraction(long compileMillisAtStart, long nanosAtStart) {
        double wallMillis = (System.nanoTime() - nanosAtStart) / 1e6;
        return wallMillis <= 0 ? 0 : (compileMillis() - compileMillisAtStart) / wallMillis;
    }
}
