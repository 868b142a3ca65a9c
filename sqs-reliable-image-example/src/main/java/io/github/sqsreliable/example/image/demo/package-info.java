/**
 * The {@code demo} command's run: plans synthetic uploads (some corrupt), sends them through the HTTP API with users
 * in parallel, shows progress until the pipeline is idle, and summarizes what happened; for the crash demo it runs
 * the workers in a child JVM that it can kill and start again.
 */
package io.github.sqsreliable.example.image.demo;
