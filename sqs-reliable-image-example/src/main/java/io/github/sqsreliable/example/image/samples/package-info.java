/**
 * Deterministic test and demo images: {@link io.github.sqsreliable.example.image.samples.SyntheticImages} draws
 * gradients, shapes and labels in every supported format, adds a JPEG with a hand-built Exif block, and produces
 * the broken inputs (truncated, random, text, empty, decompression bomb) the pipeline must dead-letter.
 */
package io.github.sqsreliable.example.image.samples;
