package io.github.sqsreliable.example.image.cli;

import io.github.sqsreliable.example.image.demo.DemoOptions;
import io.github.sqsreliable.example.image.demo.DemoRun;
import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code demo}: everything embedded, synthetic uploads, a summary and an HTML report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the pipeline on embedded defaults, upload synthetic images, report.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "200", description = "Images to upload (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--users", defaultValue = "8", description = "Users uploading them (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--corrupt", paramLabel = "N",
            description = "How many images are corrupt (default: one in 40, at least 1).")
    Integer corrupt;

    @Option(names = "--port", defaultValue = "0", description = "HTTP port (default: a free one).")
    int port;

    @Option(names = "--timeout-seconds", defaultValue = "600",
            description = "Give up waiting for the pipeline after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--trace",
            description = "Trace every message with OpenTelemetry (kept in memory) and print one image's trace.")
    boolean trace;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() throws Exception {
        Main.configureLogging(true);
        Path runDirectory = Path.of("target", "image-pipeline-demo",
                "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        PipelineConfig.Builder builder = pipeline.toBuilder(runDirectory, 0.1, 0.05)
                .apiPort(port)
                .tracing(trace);
        if (pipeline.postgresCatalogWithoutUrl()) {
            builder.postgresUrl(DemoRun.startPostgres());
        }
        PipelineConfig config = builder.build();
        int corruptCount = corrupt != null ? corrupt : Math.max(1, images / 40);
        DemoRun.DemoResult result = DemoRun.run(new DemoOptions(images, users, corruptCount, config,
                Duration.ofSeconds(timeoutSeconds), System.out, System.console() != null, null));
        boolean ok = result.drained() && result.summary().recordedTwice() == 0 && result.summary().orderHeld();
        return ok ? 0 : 1;
    }
}
