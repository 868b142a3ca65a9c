package io.github.sqsreliable.tools.cli;

import io.github.sqsreliable.tools.RedriveProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/** A redrive's progress on standard error: one line, rewritten in place with a carriage return. */
final class ProgressLine implements Consumer<RedriveProgress> {

    private final PrintWriter err;
    private int lastLength;

    ProgressLine(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void accept(RedriveProgress progress) {
        String line = "moved " + progress.moved() + ", skipped " + progress.skipped() + ", failed "
                + progress.failed() + " (" + seconds(progress.elapsed()) + ")";
        // Pad over the end of a longer previous line.
        err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        err.flush();
        lastLength = line.length();
    }

    /** Ends the line, if one was printed. */
    void finish() {
        if (lastLength > 0) {
            err.println();
        }
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
