package io.github.sqsreliable.example.image.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link BlobStore} that keeps each key as a file under a root directory ({@code originals/abc} becomes
 * {@code <root>/originals/abc}).
 *
 * <p>{@link #put} writes to a hidden temporary file in the target directory, then renames it over the target
 * with {@link StandardCopyOption#ATOMIC_MOVE}; readers therefore see the old file or the new one, never a partial
 * write, and concurrent writers of one key simply race to the last rename. The temporary file is in the same
 * directory because a rename is only atomic within one file system. Files are not fsynced: the store is for the
 * example, where a lost write after a power cut just means the message is processed again.
 *
 * <p>Thread-safe. Empty directories are left behind by {@link #delete}, since removing them would race with a
 * concurrent {@link #put} into the same directory.
 *
 * <pre>{@code
 * BlobStore store = LocalDirectoryBlobStore.create(Path.of("/var/lib/images"));
 * store.put(BlobKeys.original("img-42"), bytes);
 * }</pre>
 */
public final class LocalDirectoryBlobStore implements BlobStore {

    private final Path root;

    private LocalDirectoryBlobStore(Path root) {
        this.root = root;
    }

    /**
     * Creates a store under {@code root}, creating the directory if needed.
     *
     * @throws UncheckedIOException if the directory cannot be created
     */
    public static LocalDirectoryBlobStore create(Path root) {
        Objects.requireNonNull(root, "root");
        Path normalized = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(normalized);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create blob store root " + normalized, e);
        }
        return new LocalDirectoryBlobStore(normalized);
    }

    /** The absolute root directory of this store. */
    public Path root() {
        return root;
    }

    @Override
    public void put(String key, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        Path target = resolve(key);
        Path directory = target.getParent();
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, ".tmp-", ".part");
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new UncheckedIOException("file system of " + root + " does not support atomic moves", e);
            }
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write blob '" + key + "' to " + target, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        Path path = resolve(key);
        try {
            return Optional.of(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob '" + key + "' from " + path, e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public OptionalLong size(String key) {
        Path path = resolve(key);
        try {
            return OptionalLong.of(Files.size(path));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of blob '" + key + "' at " + path, e);
        }
    }

    /**
     * {@inheritDoc} The hidden temporary files of writes in progress are not keys, and a file that a concurrent
     * write renames or a delete removes while the directory is read is simply left out.
     */
    @Override
    public List<String> keys(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        List<String> keys = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && !file.getFileName().toString().startsWith(".")) {
                        String key = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                        if (key.startsWith(prefix)) {
                            keys.add(key);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // gone between listing its directory and reading it
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the blobs under " + root, e);
        }
        return keys;
    }

    @Override
    public boolean delete(String key) {
        Path path = resolve(key);
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete blob '" + key + "' at " + path, e);
        }
    }

    private Path resolve(String key) {
        Path path = root.resolve(BlobKeys.requireValid(key)).normalize();
        // BlobKeys already forbids traversal; this second check keeps that true if the rules are ever relaxed.
        if (!path.startsWith(root) || path.equals(root)) {
            throw new InvalidBlobKeyException(key, "resolves outside the store root");
        }
        return path;
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // the write already failed; a stray hidden temp file is harmless and invisible to get()
        }
    }

    @Override
    public String toString() {
        return "LocalDirectoryBlobStore[" + root + "]";
    }
}
