package io.github.sqsreliable.example.image.pipeline;

/**
 * The body of a stage-2 message: record this resized image in the catalog. Sent by the resize stage to the
 * standard catalog queue; the image id is the idempotency key.
 *
 * @param imageId the image
 * @param userId the uploading user
 * @param sequence the user's upload number
 */
public record CatalogRequest(String imageId, String userId, long sequence) {
}
