package io.github.sqsreliable.example.image.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.catalog.Catalog;
import io.github.sqsreliable.example.image.catalog.LocalCatalog;
import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import io.github.sqsreliable.example.image.report.DemoSummary;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.test.EmbeddedSqs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/** The demo end to end, as the README runs it, but on the shared embedded SQS so the queues can be inspected. */
class DemoIT {

    @TempDir
    Path dataDirectory;

    @Test
    void sixtyImagesThreeCorruptAtATwentyPercentFailureRate() throws Exception {
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        PipelineConfig config = PipelineConfig.builder()
                .dataDirectory(dataDirectory)
                .sqsEndpoint(sqs.endpoint())
                .queuePrefix("demo-" + UUID.randomUUID().toString().substring(0, 8))
                .apiPort(0)
                .transientFailureRate(0.2)
                .duplicateRate(0.2)
                .retryBackoff(Duration.ofMillis(200))
                .build();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        DemoRun.DemoResult result = DemoRun.run(new DemoOptions(60, 4, 3, config, Duration.ofMinutes(3),
                new PrintStream(printed, true, StandardCharsets.UTF_8), false, null));

        String output = printed.toString(StandardCharsets.UTF_8);
        DemoSummary summary = result.summary();
        assertThat(result.drained()).as(output).isTrue();
        assertThat(summary.uploaded()).isEqualTo(60);
        assertThat(summary.rejected()).as("the empty and the HTML upload get a 4xx").isEqualTo(2);
        assertThat(summary.done()).as(output).isEqualTo(57);
        assertThat(summary.deadLettered()).isEqualTo(3);
        assertThat(summary.retries()).as("a 20 %% failure rate causes retries").isPositive();
        assertThat(summary.duplicatesSkipped()).as("duplicate sends are skipped").isPositive();
        assertThat(summary.orderHeld()).as(summary.orderViolations().toString()).isTrue();
        assertThat(summary.recordedTwice()).isZero();

        // Exactly once in the catalog: every done image once, nothing else.
        List<Catalog.CatalogRow> rows = LocalCatalog.open(dataDirectory.resolve("catalog.jsonl")).rows();
        Set<String> doneIds = summary.images().stream().filter(r -> r.status() == ImageStatus.DONE)
                .map(ImageRecord::id).collect(Collectors.toSet());
        assertThat(rows).hasSize(57);
        assertThat(rows).allSatisfy(row -> assertThat(row.timesRecorded()).isEqualTo(1));
        assertThat(rows.stream().map(row -> row.entry().imageId())).containsExactlyInAnyOrderElementsOf(doneIds);

        // The three corrupt images are in the resize DLQ, each with the decoder's reason, also on their status.
        List<Message> deadLetters = drain(sqs, result.queues().resizeDeadLetter());
        assertThat(deadLetters).hasSize(3);
        Set<String> failedIds = summary.images().stream().filter(r -> r.status() == ImageStatus.FAILED)
                .peek(r -> assertThat(r.failureReason()).isNotBlank())
                .map(ImageRecord::id).collect(Collectors.toSet());
        for (Message deadLetter : deadLetters) {
            FailureRecord failure = FailureRecord.of(deadLetter.messageAttributes()).orElseThrow();
            assertThat(failure.errorMessage()).isNotBlank();
            assertThat(failedIds).anyMatch(deadLetter.body()::contains);
        }
        assertThat(drain(sqs, result.queues().catalogDeadLetter())).isEmpty();
        assertThat(result.queues().workQueuesEmpty(sqs.client())).isTrue();

        assertThat(output).contains("HTML report:");
        String report = Files.readString(result.report());
        assertThat(report).contains("<svg");
        assertThat(report).contains(summary.images().get(0).id());
        // The queue-depth curve of the run: a visible and an in-flight line per queue, sampled every 2 s.
        String resizeQueue = result.queues().resize().substring(result.queues().resize().lastIndexOf('/') + 1);
        assertThat(summary.queueDepths()).extracting(QueueDepthHistory.Series::queueName).contains(resizeQueue);
        assertThat(report).contains("class=\"queue-depth-chart\"").containsPattern(
                "<polyline class=\"depth visible\" data-queue=\"" + Pattern.quote(resizeQueue)
                        + "\"[^>]* points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+");
    }

    private static List<Message> drain(EmbeddedSqs sqs, String queueUrl) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.client().receiveMessage(ReceiveMessageRequest.builder()
                    .queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All").build()).join().messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }
}
