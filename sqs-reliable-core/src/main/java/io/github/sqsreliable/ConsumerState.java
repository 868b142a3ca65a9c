package io.github.sqsreliable;

/** A consumer's lifecycle: it moves forward only, and runs once. */
public enum ConsumerState {
    /** Built, not started. */
    NEW,
    /** Receiving and handling messages. */
    RUNNING,
    /** {@code close()} is draining: no new receives, in-flight handlers finishing. */
    STOPPING,
    /** Closed; every thread it created has been told to stop. */
    STOPPED
}
