package io.github.sqsreliable.example.image.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sqsreliable.example.image.imaging.ImageFormat;
import io.github.sqsreliable.example.image.imaging.ImageMetadata;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import io.github.sqsreliable.example.image.pipeline.Ingress;
import io.github.sqsreliable.example.image.pipeline.Json;
import io.github.sqsreliable.example.image.pipeline.BlobStatusBoard;
import io.github.sqsreliable.example.image.samples.SyntheticImages;
import io.github.sqsreliable.example.image.storage.BlobKeys;
import io.github.sqsreliable.example.image.storage.LocalDirectoryBlobStore;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.publish.SqsPublisher;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/** The API against a real Ingress, a FIFO queue in the embedded ElasticMQ and stores in a temporary directory. */
class ApiServerIT {

    /** Small enough that the larger samples are over it, large enough for the tiny JPEG. */
    private static final long MAX_UPLOAD_BYTES = 16 * 1024;

    private static final EmbeddedSqs SQS = EmbeddedSqs.shared();
    private static final SyntheticImages SAMPLES = SyntheticImages.create();
    // Rendering samples takes a while (the largest is 3000 x 2000), so each is made once.
    private static final List<SyntheticImages.Sample> VALID = SAMPLES.valid();
    private static final byte[] TINY_JPEG = VALID.get(0).bytes();
    private static final byte[] LARGE_JPEG = SAMPLES.largest().bytes();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong received = new AtomicLong();
    private String queueUrl;
    private LocalDirectoryBlobStore blobs;
    private BlobStatusBoard board;
    private ApiServer api;
    private SqsPublisher publisher;

    @BeforeEach
    void startApi() {
        queueUrl = SQS.createQueue(QueueSpec.fifoQueue().namePrefix("api"));
        blobs = LocalDirectoryBlobStore.create(dir.resolve("blobs"));
        board = BlobStatusBoard.open(dir.resolve("status"));
        publisher = SqsPublisher.builder().sqsClient(SQS.client()).build();
        api = start(new Ingress(publisher, queueUrl, blobs, board, MAX_UPLOAD_BYTES, Clock.systemUTC()));
    }

    @AfterEach
    void stopApi() {
        api.close();
        publisher.close();
    }

    @Test
    void acceptsAnUploadStoresItAndQueuesItInTheUsersGroup() throws Exception {
        byte[] jpeg = tinyJpeg();

        HttpResponse<String> response = post("/images?user=alice", "image/jpeg", BodyPublishers.ofByteArray(jpeg));

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = json(response);
        String id = body.get("id").asText();
        assertThat(body.get("status").asText()).isEqualTo("QUEUED");
        assertThat(body.get("statusUrl").asText()).isEqualTo("/images/" + id);
        assertThat(response.headers().firstValue("Location")).hasValue("/images/" + id);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(board.get(id)).hasValueSatisfying(record -> {
            assertThat(record.status()).isEqualTo(ImageStatus.QUEUED);
            assertThat(record.userId()).isEqualTo("alice");
            assertThat(record.sequence()).isEqualTo(1);
        });
        assertThat(blobs.get(BlobKeys.original(id))).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(jpeg));
        List<Message> messages = receiveAll();
        assertThat(messages).singleElement().satisfies(message -> {
            assertThat(message.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "alice");
            assertThat(message.body()).contains(id);
        });
    }

    @Test
    void takesTheUserFromTheHeaderWhenTheQueryHasNone() throws Exception {
        HttpResponse<String> response = http.send(request("/images")
                .header("X-User-Id", "bob")
                .header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.ofByteArray(tinyJpeg())).build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(board.get(json(response).get("id").asText())).hasValueSatisfying(
                record -> assertThat(record.userId()).isEqualTo("bob"));
    }

    @Test
    void rejectsAnEmptyBody() throws Exception {
        assertRejected(post("/images?user=alice", "image/jpeg", BodyPublishers.noBody()), 400, "empty upload");
    }

    @Test
    void rejectsAnUploadWithoutUser() throws Exception {
        assertRejected(post("/images", "image/jpeg", BodyPublishers.ofByteArray(tinyJpeg())), 400,
                "missing user id");
    }

    @Test
    void rejectsAnInvalidUser() throws Exception {
        assertRejected(post("/images?user=..%2Fetc", "image/jpeg", BodyPublishers.ofByteArray(tinyJpeg())), 400,
                "invalid user id");
    }

    @Test
    void rejectsABodyOverTheLimitWithoutDeclaredLength() throws Exception {
        byte[] large = LARGE_JPEG;
        // An InputStream publisher has no length, so the body is sent chunked and only reading can tell.
        BodyPublisher chunked = BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(large));

        assertRejected(post("/images?user=alice", "image/jpeg", chunked), 413,
                "upload too large: " + (MAX_UPLOAD_BYTES + 1) + " bytes, the limit is " + MAX_UPLOAD_BYTES);
    }

    @Test
    void rejectsADeclaredLengthOverTheLimitWithoutReadingTheBody() throws Exception {
        HttpResponse<String> response = post("/images?user=alice", "image/jpeg",
                BodyPublishers.ofByteArray(LARGE_JPEG));

        assertRejected(response, 413, "upload too large: declared");
    }

    @Test
    void answersAHugeDeclaredLengthBeforeTheBodyArrives() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /images?user=alice HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n"
                    + "Content-Length: 10000000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(tinyJpeg()); // a sliver of the announced 10 GB; the answer must not wait for the rest
            out.flush();

            String answer = readHead(socket.getInputStream());

            assertThat(answer).startsWith("HTTP/1.1 413");
        }
        assertNothingStoredOrQueued();
    }

    @Test
    void rejectsBytesThatAreNoImage() throws Exception {
        byte[] html = "<html><body>not an image</body></html>".getBytes(StandardCharsets.UTF_8);

        assertRejected(post("/images?user=alice", "image/jpeg", BodyPublishers.ofByteArray(html)), 415,
                "not an image");
    }

    @Test
    void rejectsCorruptSamplesThatAreNoImage() throws Exception {
        for (SyntheticImages.Sample sample : SAMPLES.corrupt()) {
            if (sample.name().equals("page.html") || sample.name().equals("random.bin")) {
                assertRejected(post("/images?user=alice", "application/octet-stream",
                        BodyPublishers.ofByteArray(sample.bytes())), 415, "not an image");
            }
        }
    }

    @Test
    void rejectsRecognisedButUnsupportedFormatsNamingThem() throws Exception {
        byte[] tiff = {'I', 'I', 0x2A, 0x00, 8, 0, 0, 0, 0, 0, 0, 0};
        byte[] webp = {'R', 'I', 'F', 'F', 0x24, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};

        assertRejected(post("/images?user=alice", "image/tiff", BodyPublishers.ofByteArray(tiff)), 415, "TIFF");
        assertRejected(post("/images?user=alice", "image/webp", BodyPublishers.ofByteArray(webp)), 415, "WebP");
    }

    @Test
    void rejectsAContentTypeThatIsNoImage() throws Exception {
        assertRejected(post("/images?user=alice", "text/plain; charset=utf-8",
                BodyPublishers.ofByteArray(tinyJpeg())), 415, "unsupported Content-Type 'text/plain'");
    }

    @Test
    void answers503WhenTheUploadCannotBeQueued() throws Exception {
        api.close();
        String missingQueue = queueUrl.substring(0, queueUrl.lastIndexOf('/') + 1) + "does-not-exist.fifo";
        api = start(new Ingress(publisher, missingQueue, blobs, board, MAX_UPLOAD_BYTES, Clock.systemUTC()));

        HttpResponse<String> response = post("/images?user=alice", "image/jpeg",
                BodyPublishers.ofByteArray(tinyJpeg()));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).get("error").asText()).contains("could not queue");
        assertThat(board.all()).singleElement().satisfies(record -> assertThat(record.status())
                .isEqualTo(ImageStatus.FAILED));
    }

    @Test
    void answers405WithAllowForOtherMethods() throws Exception {
        HttpResponse<String> put = http.send(request("/images").PUT(BodyPublishers.ofString("x")).build(),
                BodyHandlers.ofString());
        HttpResponse<String> delete = http.send(request("/images/abc").DELETE().build(), BodyHandlers.ofString());

        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(json(put).get("error").asText()).contains("PUT");
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void answersARecordAndAllRecordsAsJson() throws Exception {
        String first = upload("alice");
        String second = upload("alice");

        HttpResponse<String> one = get("/images/" + second);
        HttpResponse<String> all = get("/images");

        assertThat(one.statusCode()).isEqualTo(200);
        ImageRecord record = Json.read(one.body(), ImageRecord.class);
        assertThat(record.id()).isEqualTo(second);
        assertThat(record.sequence()).isEqualTo(2);
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(json(all)).extracting(node -> node.get("id").asText()).containsExactly(first, second);
        assertThat(one.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void answers404ForUnknownImagesAndPaths() throws Exception {
        for (String path : List.of("/images/unknown", "/images/unknown/small", "/nowhere", "/images/a/b/c")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(json(response).get("error").asText()).as(path).isNotBlank();
        }
    }

    @Test
    void answers404ForIdsAndVariantsThatAreNoNames() throws Exception {
        String id = upload("alice");

        for (String path : List.of("/images/a.b", "/images/..%2F..%2Fstatus", "/images/%2E%2E",
                "/images/" + "x".repeat(65),
                "/images/" + id + "/..%2F..%2Foriginals%2F" + id, "/images/" + id + "/small.png",
                "/images/" + id + "/huge")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(json(response).has("error")).as(path).isTrue();
        }
    }

    @Test
    void servesAVariantOnceItIsStored() throws Exception {
        String id = upload("alice");
        assertThat(get("/images/" + id + "/small").statusCode()).isEqualTo(404);
        byte[] png = VALID.stream().filter(sample -> sample.format().orElseThrow() == ImageFormat.PNG)
                .findFirst().orElseThrow().bytes();
        blobs.put(BlobKeys.variant(id, "small"), png);

        HttpResponse<byte[]> response = http.send(request("/images/" + id + "/small").build(),
                BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(response.body()).isEqualTo(png);
    }

    @Test
    void servesTheOriginalWithItsTypeFromTheBytes() throws Exception {
        String id = upload("alice");

        HttpResponse<byte[]> response = http.send(request("/images/" + id + "/original").build(),
                BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.body()).isEqualTo(tinyJpeg());
    }

    @Test
    void galleryShowsCardsAndRefreshesOnlyWhileImagesAreUnfinished() throws Exception {
        String id = upload("alice");

        HttpResponse<String> live = get("/");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(live.body()).contains("data-image-id=\"" + id + "\" data-status=\"QUEUED\"")
                .contains("<meta http-equiv=\"refresh\" content=\"2\">")
                .doesNotContain("class=\"thumb\"");

        Instant now = Instant.now();
        ImageMetadata metadata = new ImageMetadata(ImageFormat.JPEG, 64, 48, Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalInt.empty());
        board.update(id, record -> record.resized(Map.of("small", BlobKeys.variant(id, "small")), metadata, now)
                .done(now));
        HttpResponse<String> finished = get("/");

        assertThat(finished.body()).contains("data-image-id=\"" + id + "\" data-status=\"DONE\"")
                .contains("<img class=\"thumb\" src=\"/images/" + id + "/small\" alt=\"alice #1\">")
                .doesNotContain("http-equiv=\"refresh\"");
    }

    @Test
    void answersMetricsAsJson() throws Exception {
        upload("alice");

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode metrics = json(response);
        assertThat(metrics.at("/consumers/resize/received").asLong()).isEqualTo(received.get());
        assertThat(metrics.at("/pipeline/uploads").asInt()).isEqualTo(1);
        assertThat(metrics.at("/images/QUEUED").asInt()).isEqualTo(1);
        assertThat(metrics.at("/images/DONE").asInt()).isZero();
        assertThat(metrics.get("images").size()).isEqualTo(ImageStatus.values().length);
    }

    @Test
    void closeStopsListeningPromptlyAndTwiceIsHarmless() {
        URI base = api.baseUri();
        long started = System.nanoTime();

        api.close();
        api.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(base).build(), BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
    }

    private ApiServer start(Ingress ingress) {
        return ApiServer.start(ApiServer.Config.builder()
                .address(new InetSocketAddress("127.0.0.1", 0))
                .ingress(ingress)
                .board(board)
                .blobs(blobs)
                .consumerMetrics(() -> Map.of("resize", metrics(received.incrementAndGet())))
                .pipelineCounters(() -> Map.of("uploads", board.all().size()))
                .threads(4)
                .build());
    }

    private String upload(String user) throws Exception {
        HttpResponse<String> response = post("/images?user=" + user, "image/jpeg",
                BodyPublishers.ofByteArray(tinyJpeg()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json(response).get("id").asText();
    }

    private HttpResponse<String> post(String path, String contentType, BodyPublisher body) throws Exception {
        return http.send(request(path).header("Content-Type", contentType).POST(body).build(),
                BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.baseUri().resolve(path)).timeout(Duration.ofSeconds(10));
    }

    private void assertRejected(HttpResponse<String> response, int status, String reason) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Exchanges.JSON);
        assertThat(json(response).get("error").asText()).contains(reason);
        assertNothingStoredOrQueued();
    }

    private void assertNothingStoredOrQueued() throws IOException {
        try (Stream<Path> files = Files.walk(blobs.root())) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
        assertThat(board.all()).isEmpty();
        assertThat(SQS.counts(queueUrl).total()).isZero();
    }

    private List<Message> receiveAll() {
        return SQS.client().receiveMessage(ReceiveMessageRequest.builder()
                .queueUrl(queueUrl)
                .maxNumberOfMessages(10)
                .waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .build()).join().messages();
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }

    private static byte[] tinyJpeg() {
        return TINY_JPEG.clone();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && head.indexOf("\r\n\r\n") < 0) {
            head.append((char) c);
        }
        return head.toString();
    }

    private static ConsumerMetrics metrics(long receivedCount) {
        return new ConsumerMetrics(receivedCount, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
