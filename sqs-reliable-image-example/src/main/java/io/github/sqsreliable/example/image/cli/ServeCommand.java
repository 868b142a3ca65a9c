package io.github.sqsreliable.example.image.cli;

import io.github.sqsreliable.example.image.http.ApiServer;
import io.github.sqsreliable.example.image.pipeline.ImagePipeline;
import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serve}: the HTTP API, the gallery and both stages, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the HTTP API, the gallery and the workers until Ctrl-C (graceful shutdown).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--no-workers", description = "Run only the API; workers run elsewhere (see worker).")
    boolean noWorkers;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() throws Exception {
        Main.configureLogging(false);
        PipelineConfig config = pipeline.toBuilder(Path.of("target", "image-pipeline"), 0, 0)
                .apiPort(port)
                .runWorkers(!noWorkers)
                .build();
        ImagePipeline started = ImagePipeline.start(config);
        ApiServer api;
        try {
            api = ApiServer.start(started, port);
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        System.out.printf("image pipeline serving on %s (gallery: %s, metrics: %smetrics); SQS at %s; data in %s%n",
                api.baseUri(), api.baseUri(), api.baseUri(), started.sqsEndpoint() == null ? "AWS"
                        : started.sqsEndpoint(), config.dataDirectory().toAbsolutePath());
        System.out.println("upload:  curl --data-binary @photo.jpg -H 'Content-Type: image/jpeg' '"
                + api.baseUri() + "images?user=alice'");
        System.out.println("Ctrl-C to stop");
        Lifecycle.runUntilStopped(() -> {
            api.close(); // stop taking uploads first, then drain the workers
            started.close();
        });
        return 0;
    }
}
