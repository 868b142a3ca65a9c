package io.github.sqsreliable.example.image.lambda;

import io.github.sqsreliable.example.image.faults.FaultInjector;
import io.github.sqsreliable.example.image.imaging.ImageProcessor;
import io.github.sqsreliable.example.image.pipeline.BlobStatusBoard;
import io.github.sqsreliable.example.image.pipeline.ResizeStage;
import io.github.sqsreliable.example.image.pipeline.StagePolicies;
import io.github.sqsreliable.example.image.pipeline.StatusBoard;
import io.github.sqsreliable.example.image.pipeline.StatusListener;
import io.github.sqsreliable.example.image.pipeline.Workers;
import io.github.sqsreliable.example.image.storage.BlobStore;
import io.github.sqsreliable.example.image.storage.S3BlobStore;
import io.github.sqsreliable.lambda.SqsBatchFunction;
import java.time.Clock;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Stage 1 as a Lambda function on the FIFO resize queue: the {@link ResizeStage} with the resize policy of
 * {@link StagePolicies} (retries on the queue with backoff, then its FIFO dead-letter queue with the reason),
 * after registering the image's status record when none exists. Handler:
 * {@code io.github.sqsreliable.example.image.lambda.ResizeFunction::handleRequest}.
 */
public class ResizeFunction extends SqsBatchFunction {

    /**
     * The function Lambda creates: reads {@code RESIZE_QUEUE_URL}, {@code RESIZE_DEAD_LETTER_QUEUE_URL},
     * {@code CATALOG_QUEUE_URL} and {@code IMAGES_BUCKET}; originals, variants and status records
     * ({@code status/}) in that bucket.
     *
     * @throws IllegalStateException naming the first variable that is not set
     */
    public ResizeFunction() {
        this(new FunctionEnvironment(System.getenv()));
    }

    ResizeFunction(FunctionEnvironment environment) {
        this(Variables.read(environment));
    }

    private ResizeFunction(Variables variables) {
        this(variables, LambdaClients.s3());
    }

    private ResizeFunction(Variables variables, S3Client s3) {
        super(builder(LambdaClients.sqs(), variables.resizeQueueUrl(), variables.catalogQueueUrl(),
                variables.resizeDeadLetterQueueUrl(), S3BlobStore.create(s3, variables.bucket(), ""),
                BlobStatusBoard.over(S3BlobStore.create(s3, variables.bucket(), FunctionEnvironment.STATUS_PREFIX)),
                StagePolicies.defaults(), Clock.systemUTC()));
    }

    /**
     * The function over collaborators of your choice, for tests and other deployments.
     *
     * @param sqs sends to the catalog queue, moves messages to the dead-letter queue; not closed here
     * @param catalogQueueUrl stage 2's queue
     * @param resizeDeadLetterQueueUrl the resize queue's FIFO dead-letter queue
     * @param blobs originals in, variants out
     * @param board status records
     * @param policies the retry policy and classifier, shared with {@link Workers}
     * @param clock the time source
     */
    public ResizeFunction(SqsAsyncClient sqs, String catalogQueueUrl, String resizeDeadLetterQueueUrl,
            BlobStore blobs, StatusBoard board, StagePolicies policies, Clock clock) {
        super(builder(sqs, null, catalogQueueUrl, resizeDeadLetterQueueUrl, blobs, board, policies, clock));
    }

    private static SqsBatchFunction.Builder builder(SqsAsyncClient sqs, String resizeQueueUrl, String catalogQueueUrl,
            String resizeDeadLetterQueueUrl, BlobStore blobs, StatusBoard board, StagePolicies policies,
            Clock clock) {
        ResizeStage stage = new ResizeStage(ImageProcessor.create(), blobs, board, catalogQueueUrl,
                FaultInjector.none(), clock);
        SqsBatchFunction.Builder builder = SqsBatchFunction.builder()
                .name(Workers.RESIZE)
                .sqsClient(sqs)
                .chainHandler(new RegisterThenResize(stage, blobs, board, clock))
                .errorClassifier(policies.errorClassifier())
                .retryPolicy(policies.resize(resizeDeadLetterQueueUrl))
                .listener(StatusListener.resize(board, clock, StatusListener.Writes.DIRECT));
        return resizeQueueUrl == null ? builder : builder.queueUrl(resizeQueueUrl);
    }

    /** What the no-argument constructor reads, all of it before it creates a client. */
    private record Variables(String resizeQueueUrl, String resizeDeadLetterQueueUrl, String catalogQueueUrl,
            String bucket) {

        static Variables read(FunctionEnvironment environment) {
            return new Variables(environment.require(FunctionEnvironment.RESIZE_QUEUE_URL),
                    environment.require(FunctionEnvironment.RESIZE_DEAD_LETTER_QUEUE_URL),
                    environment.require(FunctionEnvironment.CATALOG_QUEUE_URL),
                    environment.require(FunctionEnvironment.IMAGES_BUCKET));
        }
    }
}
