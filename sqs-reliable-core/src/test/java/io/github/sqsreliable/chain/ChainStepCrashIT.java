package io.github.sqsreliable.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyKey;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueOptions;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.test.SqsTestExtension;
import io.github.sqsreliable.test.TestQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chain step's JVM dies after SQS confirmed the outputs but before the inputs were deleted; a new consumer finishes
 * the step, sending the outputs again; the next stage still handles each output once.
 */
@Timeout(120)
@ExtendWith(SqsTestExtension.class)
class ChainStepCrashIT {

    @TempDir
    Path tempDir;

    @Test
    void aStandardNextStageWithIdempotencyHandlesEachOutputOnceAfterTheStepCrashed(EmbeddedSqs sqs,
            @QueueOptions(visibilityTimeout = "PT2S") TestQueue input) throws Exception {
        // a short visibility: a copy that arrives while its twin is being handled is handed back until then
        String next = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        List<String> inputs = List.of("input-0", "input-1", "input-2", "input-3", "input-4", "input-5");
        sqs.sendAll(input.url(), inputs);

        // when the step's JVM halts once all 12 outputs were confirmed
        runChildUntilItHalts(sqs, input.url(), next, 12);

        // then the outputs are stored and no input was deleted
        assertThat(sqs.counts(next).visible()).isEqualTo(12);
        assertThat(sqs.counts(input.url()).total()).isEqualTo(6);

        // when a new consumer finishes the step, it sends every output again
        finishTheStep(sqs, input.url(), next);
        assertThat(sqs.counts(next).visible()).isEqualTo(24);

        // then a next stage keyed by the chain output id handles each output once
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        try (SqsConsumer nextStage = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(next)
                .shutdownTimeout(Duration.ofSeconds(5))
                .idempotency(Idempotency.builder()
                        .store(InMemoryIdempotencyStore.create())
                        .key(IdempotencyKey.chainOutputId())
                        .build())
                .handler(message -> handled.computeIfAbsent(message.body(), body -> new AtomicInteger())
                        .incrementAndGet())
                .build()) {
            nextStage.start();
            sqs.awaitDrained(next, Duration.ofSeconds(40));
            assertThat(nextStage.metrics().duplicatesSkipped()).isEqualTo(12);
        }
        assertThat(handled).hasSize(12);
        assertThat(handled.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    }

    @Test
    void aFifoNextQueueStoresEachOutputOnceInGroupOrderAfterTheStepCrashed(EmbeddedSqs sqs,
            @QueueOptions(fifo = true, visibilityTimeout = "PT2S") TestQueue input) throws Exception {
        String next = sqs.createQueue(QueueSpec.fifoQueue());
        List<String> groups = List.of("g0", "g1", "g2");
        for (String group : groups) {
            sqs.sendGroupInOrder(input.url(), group, List.of(group + "-in0", group + "-in1", group + "-in2"));
        }

        // when the step's JVM halts once the outputs of each group's first input were confirmed (the next input of a
        // group is not received before the first is deleted)
        runChildUntilItHalts(sqs, input.url(), next, 6);
        assertThat(sqs.counts(next).visible()).isEqualTo(6);
        assertThat(sqs.counts(input.url()).total()).isEqualTo(9);

        // when a new consumer finishes the step: the 6 outputs sent again are deduplicated by their derived ids
        finishTheStep(sqs, input.url(), next);
        assertThat(sqs.counts(next).visible()).isEqualTo(18);

        // then the next stage gets each output once, each group in order
        Map<String, List<String>> byGroup = new ConcurrentHashMap<>();
        try (SqsConsumer nextStage = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(next)
                .shutdownTimeout(Duration.ofSeconds(5))
                .handler(message -> byGroup.computeIfAbsent(message.messageGroupId().orElseThrow(),
                        group -> new ArrayList<>()).add(message.body()))
                .build()) {
            nextStage.start();
            sqs.awaitDrained(next, Duration.ofSeconds(20));
        }
        assertThat(byGroup).containsOnlyKeys(groups);
        for (String group : groups) {
            assertThat(byGroup.get(group)).containsExactly(group + "-in0/out0", group + "-in0/out1",
                    group + "-in1/out0", group + "-in1/out1", group + "-in2/out0", group + "-in2/out1");
        }
    }

    private void runChildUntilItHalts(EmbeddedSqs sqs, String inputUrl, String nextUrl, int outputs)
            throws IOException, InterruptedException {
        Path log = tempDir.resolve("child.log");
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                ChainStepProcess.class.getName(),
                sqs.endpoint().toString(), inputUrl, nextUrl, Integer.toString(outputs)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean ended = child.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("child ended; its output:%n%s", output).isTrue();
        assertThat(child.exitValue()).as("child halted by the test's hook; its output:%n%s", output)
                .isEqualTo(ChainStepProcess.HALTED);
    }

    private static void finishTheStep(EmbeddedSqs sqs, String inputUrl, String nextUrl) {
        try (SqsConsumer step = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(inputUrl)
                .shutdownTimeout(Duration.ofSeconds(5))
                .chainHandler(ChainStepProcess.step(nextUrl))
                .build()) {
            step.start();
            sqs.awaitDrained(inputUrl, Duration.ofSeconds(30));
        }
    }
}
