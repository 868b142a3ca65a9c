/**
 * The benchmark's results and their reports: the model ({@link io.github.sqsreliable.benchmarks.report.BenchmarkRun}
 * of {@link io.github.sqsreliable.benchmarks.report.ScenarioResult} rows) and its renderings, a JSON file
 * ({@link io.github.sqsreliable.benchmarks.report.JsonReport}), a Markdown section
 * ({@link io.github.sqsreliable.benchmarks.report.MarkdownReport}) with an SVG bar chart
 * ({@link io.github.sqsreliable.benchmarks.report.SvgChart}), and the step that puts that section into the docs
 * ({@link io.github.sqsreliable.benchmarks.report.DocsSection}). Renderers are stateless and thread-safe.
 */
package io.github.sqsreliable.benchmarks.report;
