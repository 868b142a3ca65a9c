/**
 * Decoding and rendering for the image example. {@link io.github.sqsreliable.example.image.imaging.ImageProcessor}
 * detects the format from the bytes, rejects anything it cannot or should not decode with an
 * {@link io.github.sqsreliable.example.image.imaging.UnsupportedImageException} (a permanent failure for the
 * pipeline), and renders the {@link io.github.sqsreliable.example.image.imaging.Variant}s as PNG.
 */
package io.github.sqsreliable.example.image.imaging;
