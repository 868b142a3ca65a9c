package io.github.sqsreliable.example.image.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sqsreliable.example.image.pipeline.ImagePipeline;
import io.github.sqsreliable.example.image.pipeline.Json;
import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import io.github.sqsreliable.example.image.samples.SyntheticImages;
import io.github.sqsreliable.test.EmbeddedSqs;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} and {@code /metrics/history} of a real running pipeline on the embedded ElasticMQ. */
class MetricsIT {

    /** A sample line of the text formats: name, labels, value (timestamps and exemplars are not used here). */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final List<SyntheticImages.Sample> VALID = SyntheticImages.create().valid();

    @TempDir
    Path dataDirectory;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ImagePipeline pipeline;
    private ApiServer api;

    @BeforeEach
    void startPipeline() {
        pipeline = ImagePipeline.start(PipelineConfig.builder()
                .dataDirectory(dataDirectory)
                .sqsEndpoint(EmbeddedSqs.shared().endpoint())
                .queuePrefix("metrics-" + UUID.randomUUID().toString().substring(0, 8))
                .apiPort(0)
                // One resize at a time and throttled storage with a 1 s backoff: messages wait in the queues
                // for a few seconds, across several of the consumers' 2-second depth samples.
                .resizeConcurrency(1)
                .transientFailureRate(0.3)
                .retryBackoff(Duration.ofSeconds(1))
                .build());
        api = ApiServer.start(pipeline, 0);
    }

    @AfterEach
    void stopPipeline() {
        api.close();
        pipeline.close();
    }

    @Test
    void historyShowsEachStagesQueuesFillingAndDraining() throws Exception {
        // Upload until a 2-second depth sample has caught uploads waiting or in flight in the resize queue: one
        // round of uploads can be resized between two samples on a fast machine.
        // A new round goes up only once a sample taken after the last one saw nothing, so few rounds pile up.
        List<String> ids = new ArrayList<>(uploadAll());
        AtomicLong lastRound = new AtomicLong(System.currentTimeMillis());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode resize = queue(history(), "resize", "MAIN");
            if (resize != null && maxWaiting(resize) > 0) {
                return true;
            }
            if (resize != null && lastPointAt(resize) > lastRound.get()) {
                ids.addAll(uploadAll());
                lastRound.set(System.currentTimeMillis());
            }
            return false;
        });

        await().atMost(Duration.ofSeconds(120)).until(() -> allFinished(ids)
                && pipeline.queues().workQueuesEmpty(pipeline.sqs()));
        // The consumers sample every 2 s: wait for a sample taken after the drain.
        JsonNode resize = await().atMost(Duration.ofSeconds(10)).until(
                () -> queue(history(), "resize", "MAIN"), node -> node != null && lastPointIsEmpty(node));

        JsonNode history = history();
        assertThat(roles(history, "resize")).containsExactly("MAIN", "DEAD_LETTER");
        assertThat(roles(history, "catalog")).containsExactly("MAIN", "RETRY", "DEAD_LETTER");
        assertThat(resize.get("queue").asText()).isEqualTo(queueName(pipeline.queues().resize()));
        assertThat(maxWaiting(resize)).as("the resize queue held the uploads at some sample: %s", resize)
                .isPositive();
        long previous = 0;
        for (JsonNode point : resize.get("points")) {
            assertThat(point.get("at").asLong()).isGreaterThan(previous);
            previous = point.get("at").asLong();
        }
        assertThat(previous).isLessThanOrEqualTo(System.currentTimeMillis());
    }

    @Test
    void servesTheConsumersMetersInThePrometheusTextFormat() throws Exception {
        List<String> ids = uploadAll();
        String resizeQueue = queueName(pipeline.queues().resize());

        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(
                sum(scrape("/metrics?format=prometheus", MetricsFormat.PROMETHEUS), "sqs_reliable_messages_handled_total",
                        Map.of("consumer", "resize", "queue", resizeQueue, "outcome", "succeeded")))
                .isEqualTo(ids.size()));

        String text = scrape("/metrics", "text/plain", MetricsFormat.PROMETHEUS);
        assertThat(text).contains("# TYPE sqs_reliable_messages_handled_total counter");
        assertThat(sum(text, "sqs_reliable_messages_received_total", Map.of("consumer", "resize")))
                .isGreaterThanOrEqualTo(ids.size());
        assertThat(text).contains("sqs_reliable_handling{consumer=\"catalog\"");
    }

    @Test
    void servesOpenMetricsToPrometheusAndJsonByDefault() throws Exception {
        uploadAll();

        String openMetrics = scrape("/metrics", "application/openmetrics-text;version=1.0.0,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", MetricsFormat.OPENMETRICS);
        HttpResponse<String> json = http.send(request("/metrics").build(), BodyHandlers.ofString());
        HttpResponse<String> unknown = http.send(request("/metrics?format=xml").build(), BodyHandlers.ofString());

        assertThat(openMetrics).contains("# TYPE sqs_reliable_messages_received counter").endsWith("# EOF\n");
        assertThat(json.headers().firstValue("Content-Type")).hasValue(Exchanges.JSON);
        assertThat(json.headers().firstValue("Vary")).hasValue("Accept");
        assertThat(Json.mapper().readTree(json.body()).at("/consumers/resize/received").isNumber()).isTrue();
        assertThat(unknown.statusCode()).isEqualTo(400);
    }

    private String scrape(String path, MetricsFormat expected) throws Exception {
        return scrape(path, null, expected);
    }

    private String scrape(String path, String accept, MetricsFormat expected) throws Exception {
        HttpRequest.Builder request = request(path);
        if (accept != null) {
            request.header("Accept", accept);
        }
        HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(expected.contentType());
        return response.body();
    }

    /** The sum of the samples of {@code metric} whose labels include {@code labels}. */
    private static double sum(String exposition, String metric, Map<String, String> labels) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.find() || !sample.group(1).equals(metric)) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
            while (label.find()) {
                found.put(label.group(1), label.group(2));
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                sum += Double.parseDouble(sample.group(3));
            }
        }
        return sum;
    }

    private static String queueName(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    private List<String> uploadAll() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < VALID.size(); i++) {
            HttpResponse<String> response = http.send(request("/images?user=user" + (i % 3))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(VALID.get(i).bytes())).build(),
                    BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            ids.add(Json.mapper().readTree(response.body()).get("id").asText());
        }
        return ids;
    }

    private boolean allFinished(List<String> ids) {
        return ids.stream().allMatch(id -> pipeline.board().get(id).map(r -> r.status().finished()).orElse(false));
    }

    private JsonNode history() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/metrics/history").build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Exchanges.JSON);
        return Json.mapper().readTree(response.body());
    }

    private static JsonNode queue(JsonNode history, String consumer, String role) {
        for (JsonNode queue : history.get("queues")) {
            if (queue.get("consumer").asText().equals(consumer) && queue.get("role").asText().equals(role)) {
                return queue;
            }
        }
        return null;
    }

    private static List<String> roles(JsonNode history, String consumer) {
        List<String> roles = new ArrayList<>();
        history.get("queues").forEach(queue -> {
            if (queue.get("consumer").asText().equals(consumer)) {
                roles.add(queue.get("role").asText());
            }
        });
        return roles;
    }

    private static boolean lastPointIsEmpty(JsonNode queue) {
        JsonNode points = queue.get("points");
        JsonNode last = points.get(points.size() - 1);
        return points.size() > 1 && last.get("visible").asLong() == 0 && last.get("inFlight").asLong() == 0;
    }

    private static long lastPointAt(JsonNode queue) {
        long last = 0;
        for (JsonNode point : queue.get("points")) {
            last = Math.max(last, point.get("at").asLong());
        }
        return last;
    }

    private static long maxWaiting(JsonNode queue) {
        long max = 0;
        for (JsonNode point : queue.get("points")) {
            max = Math.max(max, point.get("visible").asLong() + point.get("inFlight").asLong());
        }
        return max;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.baseUri().resolve(path)).timeout(Duration.ofSeconds(10));
    }
}
