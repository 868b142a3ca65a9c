package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.example.image.storage.BlobStore;
import io.github.sqsreliable.example.image.storage.LocalDirectoryBlobStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * A {@link StatusBoard} kept as one JSON blob per image, {@code <id>.json}, in a {@link BlobStore} of its own: a
 * directory through a {@link LocalDirectoryBlobStore} ({@link #open(Path)}) for the polling form, a prefix of the
 * images bucket through an {@link io.github.sqsreliable.example.image.storage.S3BlobStore} for the Lambda form.
 * Writes are atomic, as every {@code BlobStore}'s are, and reads always go to the store, so several processes
 * sharing it (the API in one, a restarted worker or another Lambda execution environment in another) see each
 * other's writes. Updates of one id are serialised within a process; across processes the pipeline never has two
 * writers of the same image at once.
 */
public final class BlobStatusBoard implements StatusBoard {

    private static final String SUFFIX = ".json";

    private final BlobStore blobs;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    private BlobStatusBoard(BlobStore blobs) {
        this.blobs = Objects.requireNonNull(blobs, "blobs");
    }

    /**
     * A board over {@code blobs}, which it uses alone; records already there are kept.
     *
     * @param blobs where the records are kept; not closed here
     */
    public static BlobStatusBoard over(BlobStore blobs) {
        return new BlobStatusBoard(blobs);
    }

    /** A board in {@code directory}, created if missing; records already there are kept. */
    public static BlobStatusBoard open(Path directory) {
        return over(LocalDirectoryBlobStore.create(directory));
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
        blobs.keys("").stream()
                .filter(key -> key.endsWith(SUFFIX) && key.indexOf('/') < 0)
                .forEach(key -> read(key).ifPresent(records::add));
        records.sort(Comparator.comparing(ImageRecord::uploadedAt).thenComparing(ImageRecord::id));
        return records;
    }

    private Object lock(String id) {
        return locks.computeIfAbsent(id, ignored -> new Object());
    }

    private Optional<ImageRecord> read(String key) {
        return blobs.get(key).map(bytes -> Json.read(bytes, ImageRecord.class));
    }

    private void write(ImageRecord record) {
        blobs.put(record.id() + SUFFIX, Json.writeBytes(record));
    }

    @Override
    public String toString() {
        return "BlobStatusBoard[" + blobs + "]";
    }
}
