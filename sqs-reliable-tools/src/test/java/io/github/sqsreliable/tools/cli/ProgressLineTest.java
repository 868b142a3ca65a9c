package io.github.sqsreliable.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.tools.RedriveProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private final StringWriter err = new StringWriter();
    private final ProgressLine line = new ProgressLine(new PrintWriter(err));

    @Test
    void rewritesOneLineAndPadsOverALongerOne() {
        line.accept(new RedriveProgress(100, 20, 3, Duration.ofMillis(1500)));
        line.accept(new RedriveProgress(110, 0, 0, Duration.ofMillis(2000)));
        line.finish();

        assertThat(err.toString()).isEqualTo("\rmoved 100, skipped 20, failed 3 (1.5 s)"
                + "\rmoved 110, skipped 0, failed 0 (2.0 s) " + System.lineSeparator());
    }

    @Test
    void printsNothingWithoutProgress() {
        line.finish();

        assertThat(err.toString()).isEmpty();
    }
}
