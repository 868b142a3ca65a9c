package io.github.sqsreliable.example.image.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a long-running command alive until Ctrl-C (or SIGTERM), then closes what it started, in order. */
final class Lifecycle {

    private Lifecycle() {
    }

    /** Blocks until the JVM is asked to stop; {@code onStop} runs in the shutdown hook, before the JVM exits. */
    static void runUntilStopped(AutoCloseable onStop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping: draining in-flight work...");
            try {
                onStop.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + Main.describe(e));
            } finally {
                stopped.countDown();
            }
            System.out.println("stopped");
        }, "image-pipeline-stop"));
        stopped.await();
    }
}
