package io.github.sqsreliable.example.image.pipeline;

/**
 * The body of a stage-1 message: resize this upload. Sent by {@link Ingress} to the FIFO resize queue, with the
 * user as the message group and the image id as the deduplication id.
 *
 * @param imageId the image
 * @param userId the uploading user
 * @param sequence the user's upload number
 * @param originalKey the blob key of the original bytes
 */
public record ResizeRequest(String imageId, String userId, long sequence, String originalKey) {
}
