package io.github.sqsreliable.benchmarks.measure;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The whole heap's peak use over a stretch of work, from the garbage collectors' notifications: the heap is
 * fullest just before a collection, so its pools' use summed then (or now, if higher) is its peak. {@link
 * ResourceProbe} sums each pool's own peak instead, which counts eden's and the old generation's peaks together
 * although they come at different times: an upper bound that exceeds a small heap. Also the most the heap held
 * right after a collection (what was reachable then, plus the old generation's garbage a young collection leaves).
 */
public final class HeapPeak implements AutoCloseable {

    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());

    private final AtomicLong beforeCollection = new AtomicLong();
    private final AtomicLong afterCollection = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::collected;

    private HeapPeak() {
    }

    /** Starts listening to the collectors; {@link #close()} stops. */
    public static HeapPeak start() {
        HeapPeak peak = new HeapPeak();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(peak.listener, null, null);
                peak.emitters.add(emitter);
            }
        }
        return peak;
    }

    /** The heap's peak use since {@link #start()}, in bytes: before the fullest collection, or now. */
    public long peakBytes() {
        return Math.max(beforeCollection.get(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    /** The most the heap held right after a collection since {@link #start()}, in bytes; 0 if none ran. */
    public long mostAfterCollectionBytes() {
        return afterCollection.get();
    }

    private void collected(Notification notification, Object handback) {
        if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
        }
        var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
        beforeCollection.accumulateAndGet(heapUsed(info.getMemoryUsageBeforeGc()), Math::max);
        afterCollection.accumulateAndGet(heapUsed(info.getMemoryUsageAfterGc()), Math::max);
    }

    private static long heapUsed(Map<String, MemoryUsage> byPool) {
        return byPool.entrySet().stream().filter(pool -> HEAP_POOLS.contains(pool.getKey()))
                .mapToLong(pool -> pool.getValue().getUsed()).sum();
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // not registered: nothing to remove
            }
        }
    }
}
