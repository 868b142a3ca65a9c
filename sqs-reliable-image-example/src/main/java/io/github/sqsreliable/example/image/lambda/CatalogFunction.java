package io.github.sqsreliable.example.image.lambda;

import io.github.sqsreliable.dynamo.DynamoDbIdempotencyStore;
import io.github.sqsreliable.example.image.catalog.Catalog;
import io.github.sqsreliable.example.image.catalog.DynamoDbCatalog;
import io.github.sqsreliable.example.image.pipeline.BlobStatusBoard;
import io.github.sqsreliable.example.image.pipeline.CatalogStage;
import io.github.sqsreliable.example.image.pipeline.StagePolicies;
import io.github.sqsreliable.example.image.pipeline.StatusBoard;
import io.github.sqsreliable.example.image.pipeline.StatusListener;
import io.github.sqsreliable.example.image.pipeline.Workers;
import io.github.sqsreliable.example.image.storage.S3BlobStore;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.lambda.SqsBatchFunction;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Stage 2 as a Lambda function on the catalog queue and its retry queue (two event source mappings): the
 * {@link CatalogStage} with the catalog policy and idempotency of {@link StagePolicies} (retries on the queue,
 * then on the retry queue, then the dead-letter queue; one catalog record per image id). Handler:
 * {@code io.github.sqsreliable.example.image.lambda.CatalogFunction::handleRequest}.
 */
public class CatalogFunction extends SqsBatchFunction {

    /**
     * Catalog messages handled at once within a batch: the work is a few small requests to DynamoDB and S3, so
     * waiting on them side by side shortens a batch.
     */
    static final int MAX_CONCURRENCY = 4;

    /**
     * The function Lambda creates: reads {@code CATALOG_RETRY_QUEUE_URL}, {@code CATALOG_DEAD_LETTER_QUEUE_URL},
     * {@code IMAGES_BUCKET} (status records under {@code status/}), {@code CATALOG_TABLE} (a
     * {@link DynamoDbCatalog}) and {@code IDEMPOTENCY_TABLE} (a {@link DynamoDbIdempotencyStore}).
     *
     * @throws IllegalStateException naming the first variable that is not set
     */
    public CatalogFunction() {
        this(new FunctionEnvironment(System.getenv()));
    }

    CatalogFunction(FunctionEnvironment environment) {
        this(Variables.read(environment));
    }

    private CatalogFunction(Variables variables) {
        this(variables, LambdaClients.dynamoDb());
    }

    private CatalogFunction(Variables variables, DynamoDbAsyncClient dynamo) {
        this(LambdaClients.sqs(), variables.catalogRetryQueueUrl(), variables.catalogDeadLetterQueueUrl(),
                DynamoDbCatalog.of(dynamo, variables.catalogTable()),
                BlobStatusBoard.over(S3BlobStore.create(LambdaClients.s3(), variables.bucket(),
                        FunctionEnvironment.STATUS_PREFIX)),
                DynamoDbIdempotencyStore.builder().client(dynamo).tableName(variables.idempotencyTable()).build(),
                StagePolicies.defaults(), Clock.systemUTC());
    }

    /**
     * The function over collaborators of your choice, for tests and other deployments.
     *
     * @param sqs moves messages to the retry and dead-letter queues; not closed here
     * @param catalogRetryQueueUrl the delayed retry tier, which this function also consumes
     * @param catalogDeadLetterQueueUrl the catalog queue's dead-letter queue
     * @param catalog where images are recorded
     * @param board status records
     * @param idempotencyStore the catalog's idempotency keys
     * @param policies the retry policy, classifier and idempotency, shared with {@link Workers}
     * @param clock the time source
     */
    public CatalogFunction(SqsAsyncClient sqs, String catalogRetryQueueUrl, String catalogDeadLetterQueueUrl,
            Catalog catalog, StatusBoard board, IdempotencyStore idempotencyStore, StagePolicies policies,
            Clock clock) {
        super(SqsBatchFunction.builder()
                .name(Workers.CATALOG)
                .sqsClient(sqs)
                .handler(new CatalogStage(catalog, board, clock))
                .maxConcurrency(MAX_CONCURRENCY)
                .errorClassifier(policies.errorClassifier())
                .retryPolicy(policies.catalog(catalogRetryQueueUrl, catalogDeadLetterQueueUrl))
                .idempotency(policies.catalogIdempotency(idempotencyStore))
                .listener(StatusListener.catalog(board, clock, StatusListener.Writes.DIRECT)));
    }

    /** What the no-argument constructor reads, all of it before it creates a client. */
    private record Variables(String catalogRetryQueueUrl, String catalogDeadLetterQueueUrl, String bucket,
            String catalogTable, String idempotencyTable) {

        static Variables read(FunctionEnvironment environment) {
            return new Variables(environment.require(FunctionEnvironment.CATALOG_RETRY_QUEUE_URL),
                    environment.require(FunctionEnvironment.CATALOG_DEAD_LETTER_QUEUE_URL),
                    environment.require(FunctionEnvironment.IMAGES_BUCKET),
                    environment.require(FunctionEnvironment.CATALOG_TABLE),
                    environment.require(FunctionEnvironment.IDEMPOTENCY_TABLE));
        }
    }
}
