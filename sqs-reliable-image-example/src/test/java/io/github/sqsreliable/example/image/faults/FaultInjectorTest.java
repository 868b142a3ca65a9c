package io.github.sqsreliable.example.image.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {

    @Test
    void throttlesAboutTheConfiguredShare() {
        FaultInjector faults = FaultInjector.of(0.2, 0, 0, FaultInjector.CrashPoint.AFTER_RESIZE, 7, () -> { });
        int thrown = 0;
        for (int i = 0; i < 10_000; i++) {
            try {
                faults.maybeThrottle("op");
            } catch (StorageThrottledException e) {
                thrown++;
            }
        }
        assertThat(thrown).isBetween(1_800, 2_200);
        assertThat(faults.throttled()).isEqualTo(thrown);
    }

    @Test
    void noneNeverFails() {
        FaultInjector faults = FaultInjector.none();
        for (int i = 0; i < 1_000; i++) {
            faults.maybeThrottle("op");
            assertThat(faults.maybeDuplicate()).isFalse();
            faults.countAndMaybeCrash(FaultInjector.CrashPoint.AFTER_RESIZE, "in a test");
        }
    }

    @Test
    void haltsExactlyOnceAtTheConfiguredCount() {
        AtomicInteger halts = new AtomicInteger();
        FaultInjector faults = FaultInjector.of(0, 0, 3, FaultInjector.CrashPoint.AFTER_RESIZE, 1,
                halts::incrementAndGet);
        faults.countAndMaybeCrash(FaultInjector.CrashPoint.AFTER_RESIZE, "in a test");
        faults.countAndMaybeCrash(FaultInjector.CrashPoint.AFTER_RESIZE, "in a test");
        assertThat(halts).hasValue(0);
        faults.countAndMaybeCrash(FaultInjector.CrashPoint.AFTER_RESIZE, "in a test");
        assertThat(halts).hasValue(1);
        faults.countAndMaybeCrash(FaultInjector.CrashPoint.AFTER_RESIZE, "in a test");
        assertThat(halts).hasValue(1);
    }

    @Test
    void countsOnlyAtTheConfiguredCrashPoint() {
        AtomicInteger halts = new AtomicInteger();
        FaultInjector faults = FaultInjector.of(0, 0, 2, FaultInjector.CrashPoint.IN_CATALOG_TRANSACTION, 1,
                halts::incrementAndGet);
        faults.countAndMaybeCrash(FaultInjector.CrashPoint.AFTER_RESIZE, "in a test");
        faults.countAndMaybeCrash(FaultInjector.CrashPoint.AFTER_RESIZE, "in a test");
        faults.countAndMaybeCrash(FaultInjector.CrashPoint.IN_CATALOG_TRANSACTION, "in a test");
        assertThat(halts).hasValue(0);
        faults.countAndMaybeCrash(FaultInjector.CrashPoint.IN_CATALOG_TRANSACTION, "in a test");
        assertThat(halts).hasValue(1);
    }

    @Test
    void duplicatesAtTheConfiguredShare() {
        FaultInjector faults = FaultInjector.of(0, 0.5, 0, FaultInjector.CrashPoint.AFTER_RESIZE, 3, () -> { });
        int duplicated = 0;
        for (int i = 0; i < 10_000; i++) {
            duplicated += faults.maybeDuplicate() ? 1 : 0;
        }
        assertThat(duplicated).isBetween(4_700, 5_300);
    }

    @Test
    void rejectsRatesOutsideZeroToOne() {
        assertThatThrownBy(() -> FaultInjector.of(1.0, 0, 0, 1)).hasMessageContaining("transientFailureRate");
        assertThatThrownBy(() -> FaultInjector.of(0, -0.1, 0, 1)).hasMessageContaining("duplicateRate");
        assertThatThrownBy(() -> FaultInjector.of(0, 0, -1, 1)).hasMessageContaining("crashAfter");
    }
}
