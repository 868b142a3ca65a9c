package io.github.sqsreliable.example.image.faults;

import io.github.sqsreliable.example.image.catalog.Catalog;
import io.github.sqsreliable.example.image.catalog.CatalogEntry;
import java.util.List;
import java.util.Objects;

/** A {@link Catalog} whose writes are throttled by a {@link FaultInjector}, before anything is written. */
public final class FlakyCatalog implements Catalog {

    private final Catalog delegate;
    private final FaultInjector faults;

    /** Wraps {@code delegate}. */
    public FlakyCatalog(Catalog delegate, FaultInjector faults) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.faults = Objects.requireNonNull(faults, "faults");
    }

    @Override
    public void record(CatalogEntry entry) {
        faults.maybeThrottle("catalog record " + entry.imageId());
        delegate.record(entry);
    }

    @Override
    public List<CatalogRow> rows() {
        return delegate.rows();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
