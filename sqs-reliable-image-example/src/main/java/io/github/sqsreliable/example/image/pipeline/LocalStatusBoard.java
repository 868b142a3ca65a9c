package io.github.sqsreliable.example.image.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A {@link StatusBoard} kept as one JSON file per image in a directory, written atomically (temporary file,
 * then rename). Reads always go to the files, so several processes sharing the directory (the API in one, a
 * restarted worker in another) see each other's writes. Updates of one id are serialised within a process;
 * across processes the pipeline never has two writers of the same image at once.
 */
public final class LocalStatusBoard implements StatusBoard {

    private final Path directory;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    private LocalStatusBoard(Path directory) {
        this.directory = directory;
    }

    /** A board in {@code directory}, created if missing; records already there are kept. */
    public static LocalStatusBoard open(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create status directory " + directory, e);
        }
        return new LocalStatusBoard(directory);
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
        return read(file(id));
    }

    @Override
    public List<ImageRecord> all() {
        List<ImageRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(path -> path.getFileName().toString().endsWith(".json"))
                    .forEach(path -> read(path).ifPresent(records::add));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        records.sort(Comparator.comparing(ImageRecord::uploadedAt).thenComparing(ImageRecord::id));
        return records;
    }

    private Object lock(String id) {
        return locks.computeIfAbsent(id, ignored -> new Object());
    }

    private Path file(String id) {
        return directory.resolve(id + ".json");
    }

    private static Optional<ImageRecord> read(Path path) {
        try {
            return Optional.of(Json.read(Files.readAllBytes(path), ImageRecord.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private void write(ImageRecord record) {
        Path target = file(record.id());
        Path temporary = directory.resolve("." + record.id() + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            Files.write(temporary, Json.writeBytes(record));
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
