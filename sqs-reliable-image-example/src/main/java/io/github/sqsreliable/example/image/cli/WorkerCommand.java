package io.github.sqsreliable.example.image.cli;

import io.github.sqsreliable.example.image.pipeline.ImagePipeline;
import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code worker}: only the two stages' consumers, against queues that already have an API in front. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run only the resize and catalog workers until stopped; needs --sqs-endpoint or"
                + " --no-embedded-sqs, since an embedded queue would be empty.")
final class WorkerCommand implements Callable<Integer> {

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() throws Exception {
        Main.configureLogging(false);
        if (!pipeline.externalSqs()) {
            throw new IllegalArgumentException("worker needs --sqs-endpoint URL or --no-embedded-sqs: "
                    + "an embedded SQS of its own would have no messages");
        }
        PipelineConfig config = pipeline.toBuilder(Path.of("target", "image-pipeline"), 0, 0)
                .runApi(false)
                .build();
        ImagePipeline started = ImagePipeline.start(config);
        System.out.printf("image pipeline worker running: SQS at %s, queues %s-*, data in %s%n",
                started.sqsEndpoint() == null ? "AWS" : started.sqsEndpoint(), config.queuePrefix(),
                config.dataDirectory().toAbsolutePath());
        Lifecycle.runUntilStopped(started);
        return 0;
    }
}
