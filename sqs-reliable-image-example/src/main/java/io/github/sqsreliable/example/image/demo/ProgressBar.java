package io.github.sqsreliable.example.image.demo;

import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import java.io.PrintStream;
import java.util.List;

/**
 * The demo's live progress line: one line rewritten in place on a terminal, a new line every few seconds
 * otherwise (logs, CI).
 */
final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long PLAIN_INTERVAL_NANOS = 3_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final int total;
    private final long startNanos = System.nanoTime();
    private long lastPlainNanos;

    ProgressBar(PrintStream out, boolean terminal, int total) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
    }

    /** Draws the current state. */
    void update(List<ImageRecord> images, int uploaded) {
        long now = System.nanoTime();
        if (!terminal && now - lastPlainNanos < PLAIN_INTERVAL_NANOS) {
            return;
        }
        lastPlainNanos = now;
        out.print(terminal ? "\r" + line(images, uploaded, now) + "\u001B[K" : line(images, uploaded, now) + "\n");
        out.flush();
    }

    /** Draws the final state and ends the line. */
    void finish(List<ImageRecord> images, int uploaded) {
        String line = line(images, uploaded, System.nanoTime());
        out.print(terminal ? "\r" + line + "\u001B[K\n" : line + "\n");
        out.flush();
    }

    String line(List<ImageRecord> images, int uploaded, long now) {
        int done = 0;
        int failed = 0;
        int inFlight = 0;
        long retried = 0;
        for (ImageRecord record : images) {
            switch (record.status()) {
                case DONE -> done++;
                case FAILED -> failed++;
                default -> inFlight++;
            }
            retried += record.attempts();
        }
        int finished = done + failed;
        int filled = total == 0 ? WIDTH : (int) ((long) finished * WIDTH / total);
        double seconds = Math.max((now - startNanos) / 1e9, 1e-3);
        return String.format("[%s%s] %3d/%d processed | uploaded %d | retried %d | dead-lettered %d | in flight %d"
                        + " | %.1f img/s",
                "#".repeat(filled), "-".repeat(WIDTH - filled), finished, total, uploaded, retried, failed, inFlight,
                finished / seconds);
    }

}
