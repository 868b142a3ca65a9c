/**
 * The image example's HTTP API on the JDK's built-in server: {@link io.github.sqsreliable.example.image.http.ApiServer}
 * accepts uploads into the pipeline's {@link io.github.sqsreliable.example.image.pipeline.Ingress}, serves image
 * records and their variants, the consumers' metrics as JSON, and a live HTML
 * {@link io.github.sqsreliable.example.image.http.GalleryPage}. Everything else in the package is package-private:
 * one class per endpoint group, one for errors, one for writing answers.
 */
package io.github.sqsreliable.example.image.http;
