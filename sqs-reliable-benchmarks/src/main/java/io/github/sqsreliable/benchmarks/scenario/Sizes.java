package io.github.sqsreliable.benchmarks.scenario;

/**
 * How big each measurement is.
 *
 * @param mode {@code "quick"} or {@code "full"}
 * @param repetitions measured repetitions of each row (the median is reported)
 * @param noOpMessages messages per run of the baselines and scenarios A, C and D
 * @param slowHandlerMessages messages per run of scenario B
 * @param extensionMessages messages in scenario E (one wave at concurrency 200)
 * @param latencyMessages messages sent at a steady pace in the latency scenario
 * @param largeMessages messages of 200 KiB per run of the large-message scenario and its baseline: several times
 *     the byte budget of the consumer JVM's 128 MiB heap (32 MiB), and few enough that ElasticMQ's 1 GiB heap
 *     holds the queue
 * @param maxWarmUpPasses the most unmeasured passes over rows compared in turns: passes go on until the JIT is
 *     quiet (see {@link Bench#inTurns}) or this many ran
 * @param runsAlone whether a measured run waits until earlier consumers have closed, so that their long polls do
 *     not load the server during it (up to the consumers' 20 s wait time per library run)
 * @param networkMessages messages per run of the rows through the latency proxy (N, N-fifo and their raw loops):
 *     enough that the library's ramp to its receives in flight (about 300 ms at 20 ms per request) is a small
 *     part of a run
 */
public record Sizes(String mode, int repetitions, int noOpMessages, int slowHandlerMessages, int extensionMessages,
        int latencyMessages, int largeMessages, int maxWarmUpPasses, boolean runsAlone, int networkMessages) {

    /**
     * Under 3 minutes on 2 cores. A smoke run: its runs do not wait for earlier consumers to close, which would
     * take longer than the runs themselves.
     */
    public static Sizes quick() {
        return new Sizes("quick", 2, 4_000, 4_000, 200, 1_000, 250, 1, false, 5_000);
    }

    /**
     * Messages per run of a large-message row with bodies of {@code bodyBytes}: as many bytes per run as
     * {@link #largeMessages()} messages of {@link Bench#LARGE_BODY_BYTES}.
     */
    public int largeMessages(int bodyBytes) {
        return (int) ((long) largeMessages * Bench.LARGE_BODY_BYTES / bodyBytes);
    }

    /** The sizes: 50,000 messages for the no-op scenarios, 5 repetitions; each measured run alone. */
    public static Sizes full() {
        return new Sizes("full", 5, 50_000, 30_000, 400, 5_000, 2_000, 6, true, 20_000);
    }
}
