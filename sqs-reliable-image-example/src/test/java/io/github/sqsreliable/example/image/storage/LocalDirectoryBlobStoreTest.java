package io.github.sqsreliable.example.image.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryBlobStoreTest {

    @TempDir
    Path root;

    @Test
    void storesAndReturnsBytes() {
        BlobStore store = LocalDirectoryBlobStore.create(root);
        byte[] bytes = {1, 2, 3};

        store.put("variants/img-1/small.png", bytes);

        assertThat(store.get("variants/img-1/small.png")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
        assertThat(store.exists("variants/img-1/small.png")).isTrue();
        assertThat(root.resolve("variants/img-1/small.png")).hasBinaryContent(bytes);
    }

    @Test
    void returnsEmptyForAMissingKey() {
        BlobStore store = LocalDirectoryBlobStore.create(root);

        assertThat(store.get("originals/nope")).isEmpty();
        assertThat(store.exists("originals/nope")).isFalse();
        assertThat(store.delete("originals/nope")).isFalse();
    }

    @Test
    void tellsTheSizeAndListsTheKeysUnderAPrefixWithoutTemporaryFiles() throws IOException {
        BlobStore store = LocalDirectoryBlobStore.create(root);
        store.put("variants/a/small.png", new byte[] {1, 2, 3});
        store.put("originals/a", new byte[] {4});
        Files.write(root.resolve("variants/a/.tmp-1.part"), new byte[] {5});

        assertThat(store.size("variants/a/small.png")).hasValue(3);
        assertThat(store.size("variants/b/small.png")).isEmpty();
        assertThat(store.keys("variants/")).containsExactly("variants/a/small.png");
        assertThat(store.keys("")).containsExactlyInAnyOrder("variants/a/small.png", "originals/a");
    }

    @Test
    void listsKeysWhileWritesRenameTheirTemporaryFiles() throws Exception {
        BlobStore store = LocalDirectoryBlobStore.create(root);
        List<String> keys = List.of("a.json", "b.json", "c.json");
        keys.forEach(key -> store.put(key, new byte[] {0}));
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(keys.size());
        List<Future<?>> writes = new ArrayList<>();
        for (String key : keys) {
            writes.add(writers.submit(() -> {
                for (byte i = 0; writing.get(); i++) {
                    store.put(key, new byte[] {i});
                }
            }));
        }
        try {
            for (int i = 0; i < 2000; i++) {
                assertThat(store.keys("")).containsExactlyInAnyOrderElementsOf(keys);
            }
        } finally {
            writing.set(false);
            for (Future<?> write : writes) {
                write.get(10, TimeUnit.SECONDS);
            }
            writers.shutdown();
        }
    }

    @Test
    void deletesAStoredValue() {
        BlobStore store = LocalDirectoryBlobStore.create(root);
        store.put("originals/img-1", new byte[] {9});

        assertThat(store.delete("originals/img-1")).isTrue();

        assertThat(store.get("originals/img-1")).isEmpty();
    }

    @Test
    void overwritesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        BlobStore store = LocalDirectoryBlobStore.create(root.resolve("nested/root"));
        store.put("originals/img-1", new byte[] {1, 1, 1, 1});

        store.put("originals/img-1", new byte[] {2, 2});

        assertThat(store.get("originals/img-1")).hasValueSatisfying(v -> assertThat(v).containsExactly(2, 2));
        try (Stream<Path> files = Files.list(root.resolve("nested/root/originals"))) {
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("img-1");
        }
    }

    @Test
    void rejectsInvalidKeysBeforeTouchingTheDisk() {
        BlobStore store = LocalDirectoryBlobStore.create(root.resolve("store"));

        assertThatThrownBy(() -> store.put("../escaped", new byte[] {1})).isInstanceOf(InvalidBlobKeyException.class)
                .hasMessageContaining("'..' segments are not allowed");
        assertThatThrownBy(() -> store.get("/etc/passwd")).isInstanceOf(InvalidBlobKeyException.class);
        assertThatThrownBy(() -> store.exists("")).isInstanceOf(InvalidBlobKeyException.class);
        assertThatThrownBy(() -> store.delete("a//b")).isInstanceOf(InvalidBlobKeyException.class);
        assertThat(root.resolve("escaped")).doesNotExist();
    }

    @Test
    void concurrentWritersAndReadersNeverSeeAPartialValue() throws Exception {
        BlobStore store = LocalDirectoryBlobStore.create(root);
        int writers = 8;
        int rounds = 20;
        String shared = "variants/img-1/large.png";
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                byte fill = (byte) (w + 1);
                futures.add(pool.submit(() -> {
                    start.await();
                    byte[] value = new byte[64 * 1024];
                    Arrays.fill(value, fill);
                    for (int r = 0; r < rounds; r++) {
                        store.put(shared, value);
                        store.put("variants/img-" + fill + "/r" + r + ".png", value);
                    }
                    return null;
                }));
            }
            Future<Integer> reader = pool.submit(() -> {
                start.await();
                int reads = 0;
                while (writing.get()) {
                    Optional<byte[]> value = store.get(shared);
                    value.ifPresent(LocalDirectoryBlobStoreTest::assertUniform);
                    reads++;
                }
                return reads;
            });

            start.countDown();
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
            writing.set(false);
            reader.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertUniform(store.get(shared).orElseThrow());
        for (int w = 1; w <= writers; w++) {
            for (int r = 0; r < rounds; r++) {
                assertThat(store.exists("variants/img-" + w + "/r" + r + ".png")).isTrue();
            }
        }
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files).noneMatch(p -> p.getFileName().toString().startsWith(".tmp-"));
        }
    }

    private static void assertUniform(byte[] value) {
        assertThat(value).hasSize(64 * 1024);
        byte first = value[0];
        for (byte b : value) {
            if (b != first) {
                throw new AssertionError("torn read: mixed " + first + " and " + b);
            }
        }
    }
}
