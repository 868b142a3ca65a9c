/**
 * The image pipeline's Lambda form: the same two stages as the polling {@link
 * io.github.sqsreliable.example.image.pipeline.Workers}, with the same handlers and the same {@link
 * io.github.sqsreliable.example.image.pipeline.StagePolicies}, deployed as {@link
 * io.github.sqsreliable.lambda.SqsBatchFunction}s behind SQS event source mappings ({@code docs/template.yaml}).
 * {@link io.github.sqsreliable.example.image.lambda.ResizeFunction} reads the FIFO resize queue and, as nothing
 * else in this form writes the status record, registers it before resizing; {@link
 * io.github.sqsreliable.example.image.lambda.CatalogFunction} reads the catalog queue and its retry queue. Their
 * no-argument constructors, which Lambda calls, read the environment and keep originals, variants and status
 * records in S3, the catalog and the idempotency keys in DynamoDB.
 */
package io.github.sqsreliable.example.image.lambda;
