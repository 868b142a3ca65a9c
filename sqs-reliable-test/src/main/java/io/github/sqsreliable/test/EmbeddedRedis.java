package io.github.sqsreliable.test;

import io.github.sqsreliable.test.internal.ServerProcesses;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * The Redis every module's tests share, and a launcher for private Redis servers.
 *
 * <p>{@link #shared()} is one Redis per JVM, found in this order:
 * <ol>
 *   <li>the server at {@code REDIS_URL} ({@code redis://host:port}) if that environment variable is set;</li>
 *   <li>else a {@code redis-server} from the {@code PATH}, started as a child process on a free loopback port with
 *       {@code --save '' --appendonly no};</li>
 *   <li>else the {@code redis-server} binary bundled in embedded-redis, started the same way.</li>
 * </ol>
 * Which one ran is logged at WARN. If none can start, {@link #shared()} throws naming what is missing: tests never
 * skip for want of a Redis. Launched servers are stopped when the JVM exits.
 *
 * <p>The shared server cannot be stopped (other tests use it, and a {@code REDIS_URL} server is not ours). A test
 * that needs an outage starts its own server with {@link #startPrivate(String...)}, then calls {@link #stop()}
 * and {@link #start()}: the server comes back, empty, on the same port.
 *
 * <pre>{@code
 * RedisClient client = RedisClient.create(EmbeddedRedis.shared().uri());
 *
 * try (EmbeddedRedis redis = EmbeddedRedis.startPrivate()) {
 *     redis.stop();
 *     redis.start();
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class EmbeddedRedis implements AutoCloseable {

    /** The environment variable naming an external Redis: {@value}. */
    public static final String REDIS_URL = "REDIS_URL";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Object SHARED_LOCK = new Object();
    private static EmbeddedRedis shared;

    /** Where a server came from. */
    public enum Source {
        /** An external server named by the {@code REDIS_URL} environment variable; never started or stopped here. */
        REDIS_URL,
        /** {@code redis-server} found on the {@code PATH}. */
        PATH,
        /** The {@code redis-server} binary bundled in embedded-redis. */
        EMBEDDED
    }

    private final Source source;
    private final String host;
    private final int port;
    private final File executable;
    private final List<String> extraArguments;
    private final boolean stoppable;
    private final Path workDirectory;
    private final String url;
    private Process process;
    private Thread shutdownHook;

    private EmbeddedRedis(Source source, String host, int port, File executable, List<String> extraArguments,
                               boolean stoppable, Path workDirectory, String url) {
        this.source = source;
        this.host = host;
        this.port = port;
        this.executable = executable;
        this.extraArguments = List.copyOf(extraArguments);
        this.stoppable = stoppable;
        this.workDirectory = workDirectory;
        this.url = url != null ? url : "redis://" + host + ":" + port;
    }

    /**
     * The JVM's shared Redis, found or started on first call.
     *
     * @return the shared server; do not stop it
     * @throws IllegalStateException if no Redis can be reached or started, naming what is missing
     */
    public static EmbeddedRedis shared() {
        synchronized (SHARED_LOCK) {
            if (shared == null) {
                shared = findOrStartShared();
            }
            return shared;
        }
    }

    /**
     * Starts a new Redis server owned by the caller, on a free loopback port: {@code redis-server} from the
     * {@code PATH}, else embedded-redis's binary. Never the {@code REDIS_URL} server. Close it when done (it is also
     * stopped at JVM exit). A program, not only a test, may use it: the image example's crash demo does.
     *
     * @param extraArguments more {@code redis-server} arguments, e.g. {@code "--cluster-enabled", "yes"}
     * @return the running server
     * @throws IllegalStateException if no server can start, naming what is missing
     */
    public static EmbeddedRedis startPrivate(String... extraArguments) {
        EmbeddedRedis server = launch(List.of(extraArguments), true);
        LOG.warn("Redis: started a private {}", server.describe());
        return server;
    }

    /** @return where this server came from */
    public Source source() {
        return source;
    }

    /** @return the host to connect to */
    public String host() {
        return host;
    }

    /** @return the port to connect to; unchanged by {@link #stop()} and {@link #start()} */
    public int port() {
        return port;
    }

    /**
     * @return the server's URI, e.g. {@code redis://127.0.0.1:41234}; for {@link Source#REDIS_URL}, the variable's
     *     value as given (with any password, database or TLS scheme)
     */
    public String uri() {
        return url;
    }

    /** @return true while a launched server's process is alive; always true for a {@code REDIS_URL} server */
    public synchronized boolean isRunning() {
        return source == Source.REDIS_URL || (process != null && process.isAlive());
    }

    /**
     * Stops a private server; it refuses connections until {@link #start()}. Does nothing if already stopped.
     *
     * @throws UnsupportedOperationException for the shared server
     */
    public synchronized void stop() {
        requireStoppable("stop");
        stopProcess();
    }

    /**
     * Starts a stopped private server again on the same port, empty. Does nothing if it is running.
     *
     * @throws UnsupportedOperationException for the shared server
     * @throws IllegalStateException if it does not start
     */
    public synchronized void start() {
        requireStoppable("start");
        if (process == null || !process.isAlive()) {
            startProcess();
        }
    }

    /** Stops a private server for good; does nothing for the shared server, which stops at JVM exit. */
    @Override
    public synchronized void close() {
        if (!stoppable) {
            return;
        }
        stopProcess();
        deleteWorkDirectory();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway, and stopping twice is harmless
            }
            shutdownHook = null;
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    private static EmbeddedRedis findOrStartShared() {
        String url = System.getenv(REDIS_URL);
        if (url != null && !url.isBlank()) {
            URI uri = URI.create(url.trim());
            if (uri.getHost() == null) {
                throw new IllegalStateException(REDIS_URL + " must look like redis://host:port (its value is not shown: "
                        + "it may hold a password)");
            }
            int port = uri.getPort() == -1 ? 6379 : uri.getPort();
            EmbeddedRedis external = new EmbeddedRedis(Source.REDIS_URL, uri.getHost(), port, null,
                    List.of(), false, null, url.trim());
            if ("redis".equals(uri.getScheme())) {
                try {
                    awaitPong(external.host, external.port, START_TIMEOUT, null);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(REDIS_URL + " is set, but the Redis it names is not reachable ("
                            + e.getMessage() + "); unset it to let the tests start their own", e);
                }
            }
            LOG.warn("Redis for tests: the external server at {}:{} ({} is set)", external.host, external.port,
                    REDIS_URL);
            return external;
        }
        EmbeddedRedis launched = launch(List.of(), false);
        LOG.warn("Redis for tests: started the shared {}", launched.describe());
        return launched;
    }

    private static EmbeddedRedis launch(List<String> extraArguments, boolean stoppable) {
        List<String> problems = new ArrayList<>();
        File onPath = findOnPath("redis-server");
        if (onPath == null) {
            problems.add("no redis-server on the PATH (" + System.getenv("PATH") + ")");
        } else {
            try {
                return launch(Source.PATH, onPath, extraArguments, stoppable);
            } catch (RuntimeException e) {
                problems.add("redis-server from the PATH (" + onPath + ") did not start: " + e.getMessage());
                LOG.warn("Redis for tests: {} did not start, trying embedded-redis's binary", onPath, e);
            }
        }
        try {
            File bundled = ExecutableProvider.newJarResourceProvider().get();
            return launch(Source.EMBEDDED, bundled, extraArguments, stoppable);
        } catch (IOException | RuntimeException | LinkageError e) {
            problems.add("embedded-redis's bundled redis-server did not start (" + System.getProperty("os.name")
                    + "/" + System.getProperty("os.arch") + "): " + e);
        }
        throw new IllegalStateException("No Redis for tests: " + REDIS_URL + " is not set, "
                + String.join("; ", problems)
                + ". Install redis-server (e.g. apt-get install redis-server) or set " + REDIS_URL
                + "=redis://host:port");
    }

    private static EmbeddedRedis launch(Source source, File executable, List<String> extraArguments,
                                             boolean stoppable) {
        RuntimeException failure = null;
        // A free port can be taken between probing and binding: try a few.
        for (int attempt = 1; attempt <= 3; attempt++) {
            Path workDirectory;
            try {
                workDirectory = Files.createTempDirectory("sqsr-redis-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedRedis server = new EmbeddedRedis(source, "127.0.0.1", ServerProcesses.freePort("Redis"), executable,
                    extraArguments, stoppable, workDirectory, null);
            synchronized (server) {
                try {
                    server.startProcess();
                } catch (RuntimeException e) {
                    server.deleteWorkDirectory();
                    failure = e;
                    continue;
                }
                server.shutdownHook = new Thread(server::stopQuietly, "redis-fixture-stop-" + server.port);
                Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            }
            return server;
        }
        throw failure;
    }

    private void startProcess() {
        List<String> command = new ArrayList<>(List.of(executable.getAbsolutePath(),
                "--port", Integer.toString(port), "--bind", host, "--save", "", "--appendonly", "no",
                "--dir", workDirectory.toString()));
        command.addAll(extraArguments);
        Path log = workDirectory.resolve("redis-server.log");
        try {
            process = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + executable + ": " + e.getMessage(), e);
        }
        try {
            awaitPong(host, port, START_TIMEOUT, process);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new IllegalStateException(e.getMessage() + "; its output ends with: " + ServerProcesses.tail(log), e);
        }
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        // SIGTERM: with no persistence configured, redis-server exits at once without saving.
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private synchronized void stopQuietly() {
        try {
            stopProcess();
            deleteWorkDirectory();
        } catch (RuntimeException e) {
            // the JVM is exiting; nothing useful to do
        }
    }

    private void deleteWorkDirectory() {
        if (workDirectory == null) {
            return;
        }
        try (var files = Files.list(workDirectory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(workDirectory);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    private void requireStoppable(String operation) {
        if (!stoppable) {
            throw new UnsupportedOperationException("cannot " + operation + " the shared Redis (" + describe()
                    + "): other tests use it; start a private one with EmbeddedRedis.startPrivate()");
        }
    }

    private String describe() {
        return switch (source) {
            case REDIS_URL -> "external Redis at " + host + ":" + port;
            case PATH -> "redis-server from the PATH (" + executable + ") on " + uri();
            case EMBEDDED -> "redis-server bundled in embedded-redis (" + executable.getName() + ") on " + uri();
        };
    }

    private static void awaitPong(String host, int port, Duration timeout, Process process) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("redis-server exited with status " + process.exitValue()
                        + " before answering on " + host + ":" + port);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1_000);
                socket.setSoTimeout(1_000);
                OutputStream out = socket.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] reply = in.readNBytes(7);
                String answer = new String(reply, StandardCharsets.US_ASCII);
                // A server that wants a password answers -NOAUTH: it is up, and the URL carries the password.
                if (answer.equals("+PONG\r\n") || answer.startsWith("-NOAUTH")) {
                    return;
                }
                last = new IOException("answered PING with " + answer.strip());
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Redis on " + host + ":" + port, e);
            }
        }
        throw new IllegalStateException("no PONG from Redis on " + host + ":" + port + " within " + timeout
                + (last == null ? "" : ": " + last));
    }

    private static File findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            File candidate = new File(directory, name);
            if (candidate.isFile() && candidate.canExecute()) {
                return candidate;
            }
        }
        return null;
    }
}
