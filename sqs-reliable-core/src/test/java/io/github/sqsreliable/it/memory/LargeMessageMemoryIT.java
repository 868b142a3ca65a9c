package io.github.sqsreliable.it.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A flood of 200 KiB messages, 60 MiB in all, consumed by a child JVM whose heap is 64 MiB: with the default byte
 * budget (a quarter of the heap) it handles every message once, without an {@code OutOfMemoryError}, with fast
 * and with slow handlers. The child's peak heap is printed.
 */
@Timeout(300)
class LargeMessageMemoryIT {

    private static final int MESSAGES = 300;
    private static final int SENDS_IN_FLIGHT = 16;
    private static final int BODY_CHARS = 200 * 1024;
    private static final Pattern RESULT = Pattern.compile(
            "RESULT handled=(\\d+) distinct=(\\d+) peakHeapMiB=([\\d.]+) seconds=([\\d.]+)");

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @ParameterizedTest(name = "handlers of {0} ms, maxConcurrency {1}")
    @CsvSource({"0, 32", "200, 32"})
    void aSmallHeapHandlesAFloodOfLargeMessagesWithoutRunningOutOfMemory(long handlerMillis, int maxConcurrency)
            throws Exception {
        // given 300 messages of 200 KiB
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(60)));
        String body = "x".repeat(BODY_CHARS - 8);
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            // One by one: a batch of ten would exceed SendMessageBatch's 1 MiB in all. A few at a time: 300 sends of
            // 200 KiB at once, late in a long test run, kept the shared server from accepting connections within
            // the client's 2 s connect timeout, and the client's retries then sent duplicates.
            String numbered = String.format("%08d", i) + body;
            sends.add(sqs.client().sendMessage(request -> request.queueUrl(queueUrl).messageBody(numbered)));
            if (sends.size() == SENDS_IN_FLIGHT) {
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
                sends.clear();
            }
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();

        // when a consumer with the default budget runs in a JVM with a 64 MiB heap
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                LargeMessageConsumerProcess.class.getName(),
                sqs.endpoint().toString(), queueUrl, Integer.toString(MESSAGES), Long.toString(handlerMillis),
                Integer.toString(maxConcurrency), "default"))
                .redirectErrorStream(true)
                .start();
        String result = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("RESULT")) {
                    result = line;
                } else if (output.length() < 20_000) {
                    output.append(line).append('\n');
                }
            }
        }
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        System.out.printf("%d ms handlers: %s%n", handlerMillis, result);

        // then it ended normally (exit 3 would be an OutOfMemoryError), handled each message once, lost none
        assertThat(child.exitValue()).as("child exit code; its output:%n%s", output).isZero();
        assertThat(result).isNotNull();
        Matcher figures = RESULT.matcher(result);
        assertThat(figures.find()).isTrue();
        assertThat(Integer.parseInt(figures.group(2))).isEqualTo(MESSAGES);
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }
}
