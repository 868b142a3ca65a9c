package io.github.sqsreliable.example.image.demo;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import redis.embedded.core.ExecutableProvider;

/**
 * A throw-away redis-server for the crash demo, whose idempotency store must outlive the worker process:
 * {@code redis-server} from the {@code PATH}, else the binary bundled in embedded-redis, on a free loopback port,
 * with persistence off. Stopped by {@link #close()}.
 */
final class LocalRedis implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final URI uri;

    private LocalRedis(Process process, URI uri) {
        this.process = process;
        this.uri = uri;
    }

    static LocalRedis start(Path workDirectory) {
        File executable = onPath("redis-server");
        if (executable == null) {
            try {
                executable = ExecutableProvider.newJarResourceProvider().get();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("the crash demo needs Redis: no redis-server on the PATH and "
                        + "embedded-redis's bundled binary is unavailable (" + e + "); pass --redis-url", e);
            }
        }
        int port = freePort();
        Process process;
        try {
            Files.createDirectories(workDirectory);
            process = new ProcessBuilder(List.of(executable.getAbsolutePath(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workDirectory.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(workDirectory.resolve("redis-server.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + executable, e);
        }
        URI uri = URI.create("redis://127.0.0.1:" + port);
        awaitPing(uri, process);
        return new LocalRedis(process, uri);
    }

    URI uri() {
        return uri;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitPing(URI uri, Process process) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        RedisClient client = RedisClient.create(uri.toString());
        try {
            while (true) {
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    connection.sync().ping();
                    return;
                } catch (RuntimeException e) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        process.destroyForcibly();
                        throw new IllegalStateException("redis-server did not answer on " + uri, e);
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting redis-server", e);
                }
            }
        } finally {
            client.shutdown();
        }
    }

    private static File onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(File.pathSeparator)) {
            File candidate = new File(directory, name);
            if (candidate.isFile() && candidate.canExecute()) {
                return candidate;
            }
        }
        return null;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
