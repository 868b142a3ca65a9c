/**
 * The demo's {@code --trace}: the library's OpenTelemetry spans for each handler call, the pipeline's own spans
 * for each message it sends, recorded in memory and printed as one image's tree across the stages.
 */
package io.github.sqsreliable.example.image.tracing;
