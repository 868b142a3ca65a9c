package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.chain.ChainHandler;
import io.github.sqsreliable.chain.NextMessages;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.publish.OutgoingMessage;
import io.github.sqsreliable.example.image.faults.FaultInjector;
import io.github.sqsreliable.example.image.imaging.ImageProcessor;
import io.github.sqsreliable.example.image.imaging.ProcessedImage;
import io.github.sqsreliable.example.image.imaging.UnsupportedImageException;
import io.github.sqsreliable.example.image.storage.BlobKeys;
import io.github.sqsreliable.example.image.storage.BlobStore;
import io.github.sqsreliable.example.image.tracing.PipelineTracing;
import io.github.sqsreliable.retry.PermanentFailureException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Stage 1, on the FIFO resize queue: decodes the original, stores its variants, records its metadata, and hands
 * the image on to the catalog stage as a chain step: the catalog request is the step's output, sent by the library
 * after the handler returns, and the resize request is deleted only once SQS confirmed it. A corrupt or unsupported image is a {@link PermanentFailureException}
 * (dead-lettered with the decoder's reason); throttled storage is transient (retried after a backoff).
 *
 * <p>Safe to run twice for one image: variants are replaced by equal bytes, a resized image is not decoded
 * again, and a second catalog message is recognised by stage 2's idempotency.
 *
 * <p>It listens to its consumer too: the crash switch of fault injection counts each success there, after the
 * catalog request was confirmed and before the resize request is deleted, the window a crash hurts most.
 */
public final class ResizeStage implements ChainHandler, ConsumerListener {

    private final ImageProcessor processor;
    private final BlobStore blobs;
    private final StatusBoard board;
    private final String catalogQueueUrl;
    private final FaultInjector faults;
    private final Clock clock;
    private final PipelineTracing tracing;

    /**
     * @param processor decodes and renders
     * @param blobs originals in, variants out (reads may be throttled by fault injection)
     * @param board status records
     * @param catalogQueueUrl stage 2's queue
     * @param faults duplicate sends and the crash switch
     * @param clock the time source
     */
    public ResizeStage(ImageProcessor processor, BlobStore blobs, StatusBoard board, String catalogQueueUrl,
            FaultInjector faults, Clock clock) {
        this(processor, blobs, board, catalogQueueUrl, faults, clock, PipelineTracing.off());
    }

    /**
     * @param processor decodes and renders
     * @param blobs originals in, variants out (reads may be throttled by fault injection)
     * @param board status records
     * @param catalogQueueUrl stage 2's queue
     * @param faults duplicate sends and the crash switch
     * @param clock the time source
     * @param tracing carries the handler call's trace on to the catalog request
     */
    public ResizeStage(ImageProcessor processor, BlobStore blobs, StatusBoard board, String catalogQueueUrl,
            FaultInjector faults, Clock clock, PipelineTracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.board = Objects.requireNonNull(board, "board");
        this.catalogQueueUrl = Objects.requireNonNull(catalogQueueUrl, "catalogQueueUrl");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void handle(SqsMessage message, NextMessages next) {
        ResizeRequest request = Messages.read(message, ResizeRequest.class);
        ImageRecord current = board.get(request.imageId()).orElseThrow(() -> new PermanentFailureException(
                "unknown image " + request.imageId() + ": no status record"));
        if (current.status().finished()) {
            return; // a redelivery of an image that already went all the way: nothing left to do
        }
        if (current.status() != ImageStatus.RESIZED) {
            resize(request);
        }
        CatalogRequest catalogRequest = new CatalogRequest(request.imageId(), request.userId(), request.sequence());
        send(next, catalogRequest);
        if (faults.maybeDuplicate()) {
            send(next, catalogRequest); // what a producer's retry after a lost answer does; stage 2 must record it once
        }
    }

    @Override
    public void onSucceeded(ConsumerEvent.MessageSucceeded event) {
        faults.countAndMaybeCrash(FaultInjector.CrashPoint.AFTER_RESIZE, "after a resize succeeded (message "
                + event.message().messageId() + "), before its resize request is deleted");
    }

    private void resize(ResizeRequest request) {
        board.update(request.imageId(), record -> record.withStatus(ImageStatus.PROCESSING));
        byte[] original = blobs.get(request.originalKey()).orElseThrow(() -> new PermanentFailureException(
                "original " + request.originalKey() + " is missing from the blob store"));
        ProcessedImage processed;
        try {
            processed = processor.process(original);
        } catch (UnsupportedImageException e) {
            throw new PermanentFailureException(e.reason(), e);
        }
        Map<String, String> variantKeys = new LinkedHashMap<>();
        processed.variants().forEach((variant, bytes) -> {
            String key = BlobKeys.variant(request.imageId(), variant);
            blobs.put(key, bytes);
            variantKeys.put(variant, key);
        });
        board.update(request.imageId(), record -> record.resized(variantKeys, processed.metadata(), clock.instant()));
    }

    /** Names the catalog request as the step's output, inside a send span that the request's trace continues. */
    private void send(NextMessages next, CatalogRequest request) {
        tracing.send(catalogQueueUrl, request.imageId(), traceAttributes -> {
            OutgoingMessage.Builder message = OutgoingMessage.builder().body(Json.write(request));
            traceAttributes.forEach(message::attribute);
            next.send(catalogQueueUrl, message.build());
            return null;
        });
    }
}
