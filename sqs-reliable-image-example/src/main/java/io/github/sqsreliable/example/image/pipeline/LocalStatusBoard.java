package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.example.image.storage.LocalDirectoryBlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A {@link StatusBoard} kept as one JSON file per image in a directory, written atomically by a
 * {@link LocalDirectoryBlobStore} (temporary file, then rename). Reads always go to the files, so several
 * processes sharing the directory (the API in one, a restarted worker in another) see each other's writes.
 * Updates of one id are serialised within a process; across processes the pipeline never has two writers of
 * the same image at once.
 */
public final class LocalStatusBoard implements StatusBoard {

    private static final String SUFFIX = ".json";

    private final LocalDirectoryBlobStore files;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    private LocalStatusBoard(LocalDirectoryBlobStore files) {
        this.files = files;
    }

    /** A board in {@code directory}, created if missing; records already there are kept. */
    public static LocalStatusBoard open(Path directory) {
        return new LocalStatusBoard(LocalDirectoryBlobStore.create(directory));
    }

    @Override
    public void put(ImageRecord record) {
        synchronized (lock(record.id())) {
            write(record);
        }
    }

    @Override
    public Optional<ImageRecord> update(String id, UnaryOperator<ImageRecord> change) {
        synchronized (lock(id)) {
            Optional<ImageRecord> current = get(id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            ImageRecord changed = change.apply(current.get());
            write(changed);
            return Optional.of(changed);
        }
    }

    @Override
    public Optional<ImageRecord> get(String id) {
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            return Optional.empty();
        }
        return read(id + SUFFIX);
    }

    @Override
    public List<ImageRecord> all() {
        List<ImageRecord> records = new ArrayList<>();
        try (Stream<Path> paths = Files.list(files.root())) {
            paths.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX))
                    .forEach(name -> read(name).ifPresent(records::add));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + files.root(), e);
        }
        records.sort(Comparator.comparing(ImageRecord::uploadedAt).thenComparing(ImageRecord::id));
        return records;
    }

    private Object lock(String id) {
        return locks.computeIfAbsent(id, ignored -> new Object());
    }

    private Optional<ImageRecord> read(String fileName) {
        return files.get(fileName).map(bytes -> Json.read(bytes, ImageRecord.class));
    }

    private void write(ImageRecord record) {
        files.put(record.id() + SUFFIX, Json.writeBytes(record));
    }
}
