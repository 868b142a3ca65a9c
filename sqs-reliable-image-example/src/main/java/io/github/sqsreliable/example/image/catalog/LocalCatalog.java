package io.github.sqsreliable.example.image.catalog;

import io.github.sqsreliable.example.image.pipeline.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded default catalog: an append-only JSON-lines file. Each {@link #record} appends one line and
 * forces it to disk before returning, so a record survives a crash right after it. A line cut short by a
 * crash in the middle of a write is ignored when reading.
 */
public final class LocalCatalog implements Catalog {

    private final Path file;
    private final Object appendLock = new Object();

    private LocalCatalog(Path file) {
        this.file = file;
    }

    /** A catalog in {@code file}, created if missing; entries already there are kept. */
    public static LocalCatalog open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create catalog file " + file, e);
        }
        return new LocalCatalog(file);
    }

    @Override
    public void record(CatalogEntry entry) {
        byte[] line = (Json.write(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (appendLock) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to catalog " + file, e);
            }
        }
    }

    @Override
    public List<CatalogRow> rows() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read catalog " + file, e);
        }
        Map<String, CatalogEntry> last = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            CatalogEntry entry;
            try {
                entry = Json.read(line, CatalogEntry.class);
            } catch (Json.MalformedJsonException e) {
                continue; // a line cut short by a crash: that record never returned, so it never counted
            }
            last.put(entry.imageId(), entry);
            counts.merge(entry.imageId(), 1L, Long::sum);
        }
        List<CatalogRow> rows = new ArrayList<>();
        last.forEach((id, entry) -> rows.add(new CatalogRow(entry, counts.get(id))));
        return rows;
    }

    @Override
    public String toString() {
        return "LocalCatalog[" + file + "]";
    }
}
