/**
 * Not API: reading task tokens, writing task output, the Step Functions calls and their errors, and the heartbeat
 * timer behind {@link io.github.sqsreliable.stepfunctions.StepFunctionsTask}.
 */
package io.github.sqsreliable.stepfunctions.internal;
