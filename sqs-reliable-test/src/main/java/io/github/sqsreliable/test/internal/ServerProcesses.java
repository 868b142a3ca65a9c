package io.github.sqsreliable.test.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the kit's server processes (Redis, PostgreSQL) share: a free port to start on, and their log's end. */
public final class ServerProcesses {

    private ServerProcesses() {
    }

    /**
     * @param server the server's name, for the error
     * @return a loopback port that was free a moment ago
     */
    public static int freePort(String server) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for " + server, e);
        }
    }

    /**
     * @param log a server's log file
     * @return its last five lines, joined by {@code " | "}, for an error message
     */
    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
