package io.github.sqsreliable.example.image.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.catalog.Catalog;
import io.github.sqsreliable.example.image.catalog.CatalogEntry;
import io.github.sqsreliable.example.image.catalog.LocalCatalog;
import io.github.sqsreliable.example.image.faults.StorageThrottledException;
import io.github.sqsreliable.example.image.imaging.ImageProcessor;
import io.github.sqsreliable.example.image.imaging.UnsupportedImageException;
import io.github.sqsreliable.example.image.pipeline.BlobStatusBoard;
import io.github.sqsreliable.example.image.pipeline.CatalogRequest;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import io.github.sqsreliable.example.image.pipeline.Json;
import io.github.sqsreliable.example.image.pipeline.ResizeRequest;
import io.github.sqsreliable.example.image.pipeline.StagePolicies;
import io.github.sqsreliable.example.image.samples.SyntheticImages;
import io.github.sqsreliable.example.image.storage.BlobKeys;
import io.github.sqsreliable.example.image.storage.LocalDirectoryBlobStore;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.test.lambda.SqsEventSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The Lambda form end to end: {@link ResizeFunction} and {@link CatalogFunction}, built with their test
 * constructors over local storage, invoked through the test kit's emulation of the SQS event source mapping against
 * the embedded ElasticMQ, with the queues of docs/template.yaml (FIFO resize queue and its FIFO DLQ; catalog queue,
 * its retry queue and its DLQ). Requests arrive as API Gateway sends them: the original already stored, no status
 * record, a ResizeRequest grouped by user and deduplicated by image id.
 */
@Timeout(180)
class ImageLambdaIT {

    private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> USERS = List.of("ada", "grace", "alan");
    private static final int CATALOG_THROTTLES = 2;

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();
    private final SqsAsyncClient client = sqs.client();
    private final StagePolicies policies = StagePolicies.withRetryBackoff(Duration.ofMillis(200));
    private final Clock clock = Clock.systemUTC();

    @TempDir
    Path directory;

    @Test
    void resizesAndCatalogsEveryImageOnceDeadLettersWhatCannotBeResizedAndRecordsADuplicateOnce() {
        // given: the queues of the template, storage, and both functions
        String resizeDlq = sqs.createQueue(QueueSpec.fifoQueue().namePrefix("resize-dlq"));
        String resize = sqs.createQueue(QueueSpec.fifoQueue().namePrefix("resize").visibilityTimeout(FUNCTION_TIMEOUT));
        String catalogDlq = sqs.createQueue(QueueSpec.standard().namePrefix("catalog-dlq"));
        String catalogRetry = sqs.createQueue(QueueSpec.standard().namePrefix("catalog-retry")
                .visibilityTimeout(FUNCTION_TIMEOUT));
        String catalogQueue = sqs.createQueue(QueueSpec.standard().namePrefix("catalog")
                .visibilityTimeout(FUNCTION_TIMEOUT));
        LocalDirectoryBlobStore blobs = LocalDirectoryBlobStore.create(directory.resolve("blobs"));
        BlobStatusBoard board = BlobStatusBoard.open(directory.resolve("status"));
        ThrottlingCatalog catalog = new ThrottlingCatalog(LocalCatalog.open(directory.resolve("catalog.jsonl")));
        ResizeFunction resizeFunction = new ResizeFunction(client, catalogQueue, resizeDlq, blobs, board, policies,
                clock);
        CatalogFunction catalogFunction = new CatalogFunction(client, catalogRetry, catalogDlq, catalog, board,
                InMemoryIdempotencyStore.create(), policies, clock);

        // and: every valid sample, a corrupt one and a request whose original was never stored, across three users
        SyntheticImages samples = SyntheticImages.create();
        Map<String, byte[]> valid = new LinkedHashMap<>();
        samples.valid().forEach(sample -> valid.put(imageId(sample.name()), sample.bytes()));
        SyntheticImages.Sample corruptSample = samples.corrupt().get(0);
        String corrupt = imageId(corruptSample.name());
        String missing = imageId("never-uploaded");
        Map<String, byte[]> stored = new LinkedHashMap<>(valid);
        stored.put(corrupt, corruptSample.bytes());
        List<String> requested = new ArrayList<>(stored.keySet());
        requested.add(missing);
        for (int i = 0; i < requested.size(); i++) {
            String id = requested.get(i);
            if (stored.containsKey(id)) {
                blobs.put(BlobKeys.original(id), stored.get(id));
            }
            String user = USERS.get(i % USERS.size());
            sendResizeRequest(resize, new ResizeRequest(id, user, i / USERS.size() + 1L, BlobKeys.original(id)));
        }
        String throttled = requested.get(1);
        String duplicated = requested.get(2);
        catalog.throttle(throttled, CATALOG_THROTTLES);

        // when: stage 1 runs, then stage 2 on both its queues, and a producer's retry after a lost answer sends
        // one catalog request a second time
        source(resize, resizeFunction).drain(Duration.ofSeconds(90));
        source(catalogQueue, catalogFunction).drain(Duration.ofSeconds(30));
        source(catalogRetry, catalogFunction).drain(Duration.ofSeconds(30));
        ImageRecord recorded = board.get(duplicated).orElseThrow();
        sqs.sendAll(catalogQueue, List.of(Json.write(new CatalogRequest(duplicated, recorded.userId(),
                recorded.sequence()))));
        source(catalogQueue, catalogFunction).drain(Duration.ofSeconds(30));

        // then: every valid image is cataloged exactly once, its variants stored and its status finished
        Map<String, Catalog.CatalogRow> rows = catalog.rowsById();
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(valid.keySet());
        valid.forEach((id, bytes) -> {
            assertThat(rows.get(id).timesRecorded()).as(id).isEqualTo(1);
            ImageRecord record = board.get(id).orElseThrow();
            assertThat(record.status()).as(id).isEqualTo(ImageStatus.DONE);
            assertThat(record.sizeBytes()).as(id).isEqualTo(bytes.length);
            assertThat(record.variants()).as(id).isNotEmpty()
                    .allSatisfy((variant, key) -> assertThat(blobs.exists(key)).as(key).isTrue());
            assertThat(rows.get(id).entry().variants()).isEqualTo(record.variants());
        });
        // and: the duplicate was recognised, the throttled image went through the retry queue
        assertThat(board.get(duplicated).orElseThrow().duplicatesSkipped()).isEqualTo(1);
        assertThat(board.get(throttled).orElseThrow().attempts()).isEqualTo(CATALOG_THROTTLES);
        assertThat(catalogFunction.metrics().movedToRetryQueue()).isEqualTo(1);
        assertThat(catalogFunction.metrics().duplicatesSkipped()).isEqualTo(1);

        // and: the two that could not be resized are dead-lettered with their reasons and marked failed
        Map<String, FailureRecord> dead = new LinkedHashMap<>();
        for (Message message : sqs.takeAll(resizeDlq)) {
            dead.put(Json.read(message.body(), ResizeRequest.class).imageId(),
                    FailureRecord.of(message.messageAttributes()).orElseThrow());
        }
        assertThat(dead.keySet()).containsExactlyInAnyOrder(corrupt, missing);
        String decoderReason = decoderReason(corruptSample.bytes());
        assertThat(dead.get(corrupt).errorMessage()).isEqualTo(decoderReason);
        assertThat(dead.get(missing).errorMessage())
                .isEqualTo("original " + BlobKeys.original(missing) + " is missing from the blob store");
        assertThat(dead.values()).allSatisfy(record -> {
            assertThat(record.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
            assertThat(record.originQueueUrl()).isEqualTo(resize);
        });
        assertThat(board.get(corrupt).orElseThrow().status()).isEqualTo(ImageStatus.FAILED);
        assertThat(board.get(corrupt).orElseThrow().failureReason()).startsWith(decoderReason);
        assertThat(board.get(missing).orElseThrow().status()).isEqualTo(ImageStatus.FAILED);
        assertThat(board.get(missing).orElseThrow().sizeBytes()).isZero();
        assertThat(resizeFunction.metrics().deadLettered()).isEqualTo(2);

        // and: nothing is left anywhere else
        for (String queue : List.of(resize, catalogQueue, catalogRetry, catalogDlq)) {
            assertThat(sqs.counts(queue).total()).as(queue).isZero();
        }
    }

    @Test
    void aRedeliveredRequestOfAFinishedImageChangesNothing() {
        String resizeDlq = sqs.createQueue(QueueSpec.fifoQueue().namePrefix("resize-dlq"));
        String resize = sqs.createQueue(QueueSpec.fifoQueue().namePrefix("resize").visibilityTimeout(FUNCTION_TIMEOUT));
        String catalogQueue = sqs.createQueue(QueueSpec.standard().namePrefix("catalog")
                .visibilityTimeout(FUNCTION_TIMEOUT));
        LocalDirectoryBlobStore blobs = LocalDirectoryBlobStore.create(directory.resolve("blobs"));
        BlobStatusBoard board = BlobStatusBoard.open(directory.resolve("status"));
        ResizeFunction resizeFunction = new ResizeFunction(client, catalogQueue, resizeDlq, blobs, board, policies,
                clock);
        String id = imageId("again");
        blobs.put(BlobKeys.original(id), SyntheticImages.create().valid().get(0).bytes());
        ResizeRequest request = new ResizeRequest(id, "ada", 1, BlobKeys.original(id));
        sendResizeRequest(resize, request);
        source(resize, resizeFunction).drain(Duration.ofSeconds(30));
        sqs.takeAll(catalogQueue);
        ImageRecord done = board.update(id, record -> record.done(clock.instant())).orElseThrow();

        // a second send that FIFO deduplication does not catch (another deduplication id)
        client.sendMessage(SendMessageRequest.builder().queueUrl(resize).messageBody(Json.write(request))
                .messageGroupId("ada").messageDeduplicationId(id + "-again").build()).join();
        source(resize, resizeFunction).drain(Duration.ofSeconds(30));

        assertThat(board.get(id)).contains(done);
        assertThat(sqs.counts(catalogQueue).total()).isZero();
        assertThat(sqs.counts(resizeDlq).total()).isZero();
    }

    private SqsEventSource source(String queueUrl, ResizeFunction function) {
        return SqsEventSource.builder().sqsClient(client).queueUrl(queueUrl).function(function)
                .functionTimeout(FUNCTION_TIMEOUT).build();
    }

    private SqsEventSource source(String queueUrl, CatalogFunction function) {
        return SqsEventSource.builder().sqsClient(client).queueUrl(queueUrl).function(function)
                .functionTimeout(FUNCTION_TIMEOUT).build();
    }

    /** What the API's integration sends: the body as is, grouped by user, deduplicated by image id. */
    private void sendResizeRequest(String queueUrl, ResizeRequest request) {
        client.sendMessage(SendMessageRequest.builder().queueUrl(queueUrl).messageBody(Json.write(request))
                .messageGroupId(request.userId()).messageDeduplicationId(request.imageId()).build()).join();
    }

    private static String imageId(String sampleName) {
        return sampleName.replaceAll("[^A-Za-z0-9]", "-");
    }

    private static String decoderReason(byte[] bytes) {
        try {
            ImageProcessor.create().process(bytes);
        } catch (UnsupportedImageException e) {
            return e.reason();
        }
        throw new AssertionError("the corrupt sample decoded");
    }

    /** A catalog whose writes of one image are throttled a given number of times, as a busy table would be. */
    private static final class ThrottlingCatalog implements Catalog {

        private final Catalog delegate;
        private final Map<String, AtomicInteger> throttles = new java.util.concurrent.ConcurrentHashMap<>();

        ThrottlingCatalog(Catalog delegate) {
            this.delegate = delegate;
        }

        void throttle(String imageId, int times) {
            throttles.put(imageId, new AtomicInteger(times));
        }

        @Override
        public void record(CatalogEntry entry) {
            AtomicInteger left = throttles.get(entry.imageId());
            if (left != null && left.getAndDecrement() > 0) {
                throw new StorageThrottledException("catalog record " + entry.imageId());
            }
            delegate.record(entry);
        }

        @Override
        public List<CatalogRow> rows() {
            return delegate.rows();
        }
    }
}
