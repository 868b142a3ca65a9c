package io.github.sqsreliable.example.image.faults;

import io.github.sqsreliable.example.image.storage.BlobStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link BlobStore} whose reads are throttled by a {@link FaultInjector}. Only reads: a stage reads its input
 * once per attempt, so one draw per attempt keeps the demo's failure rate what the flag says.
 */
public final class FlakyBlobStore implements BlobStore {

    private final BlobStore delegate;
    private final FaultInjector faults;

    /** Wraps {@code delegate}. */
    public FlakyBlobStore(BlobStore delegate, FaultInjector faults) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.faults = Objects.requireNonNull(faults, "faults");
    }

    @Override
    public void put(String key, byte[] bytes) {
        delegate.put(key, bytes);
    }

    @Override
    public Optional<byte[]> get(String key) {
        faults.maybeThrottle("blob get " + key);
        return delegate.get(key);
    }

    @Override
    public boolean exists(String key) {
        return delegate.exists(key);
    }

    @Override
    public OptionalLong size(String key) {
        return delegate.size(key);
    }

    @Override
    public List<String> keys(String prefix) {
        return delegate.keys(prefix);
    }

    @Override
    public boolean delete(String key) {
        return delegate.delete(key);
    }
}
