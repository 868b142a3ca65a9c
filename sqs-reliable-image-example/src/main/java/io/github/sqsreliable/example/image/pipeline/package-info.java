/**
 * The image pipeline on sqs-reliable, the first package to read: {@link
 * io.github.sqsreliable.example.image.pipeline.Workers} wires the two consumers (the FIFO resize stage and the
 * standard catalog stage, with retries, dead-letter queues and idempotency), {@link
 * io.github.sqsreliable.example.image.pipeline.Ingress} is the front door that stores an upload and queues it, and
 * {@link io.github.sqsreliable.example.image.pipeline.ImagePipeline} starts everything {@link
 * io.github.sqsreliable.example.image.pipeline.PipelineConfig} asks for. The message bodies and each image's status
 * record live here too.
 */
package io.github.sqsreliable.example.image.pipeline;
