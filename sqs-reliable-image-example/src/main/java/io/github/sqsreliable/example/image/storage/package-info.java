/**
 * Byte storage for the image example: a small {@link io.github.sqsreliable.example.image.storage.BlobStore} SPI
 * keyed by slash-separated names such as {@code originals/<imageId>} and {@code variants/<imageId>/small.png},
 * with a local-directory implementation whose writes are atomic, so a reader never sees half a file, and an S3
 * implementation for the Lambda form.
 */
package io.github.sqsreliable.example.image.storage;
