package io.github.sqsreliable.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.SqsMessage;
import java.time.Duration;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** {@link Idempotency.Builder#build()}: its defaults, and one test per rule it enforces. */
class IdempotencyConfigTest {

    private final IdempotencyStore store = InMemoryIdempotencyStore.create();

    private Idempotency.Builder valid() {
        return Idempotency.builder().store(store);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(Idempotency.Builder builder,
                                                                                   String field) {
        return assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageStartingWith(field + " ");
    }

    // ---------------------------------------------------------------------------------------------------------
    // defaults

    @Test
    void defaults() throws Exception {
        Idempotency config = valid().build();

        assertThat(config.store()).isSameAs(store);
        assertThat(config.namespace()).isNull();
        assertThat(config.ttl()).isEqualTo(Duration.ofHours(24)).isEqualTo(Idempotency.DEFAULT_TTL);
        assertThat(config.storeTimeout()).isEqualTo(Duration.ofSeconds(5)).isEqualTo(Idempotency.DEFAULT_STORE_TIMEOUT);
        assertThat(config.failOpen()).isFalse();
        assertThat(config.validatePayload()).isFalse();
        SqsMessage message = SqsMessage.builder().queueUrl("http://localhost:9324/000000000000/orders")
                .messageId("m-42").body("{\"order\":7}").build();
        assertThat(config.key().keyOf(message)).isEqualTo("m-42");
    }

    @Test
    void keepsEveryValueSet() {
        IdempotencyKey byBody = SqsMessage::body;

        Idempotency config = valid()
                .key(byBody)
                .namespace("orders")
                .ttl(Duration.ofDays(7))
                .failOpen(true)
                .validatePayload(true)
                .storeTimeout(Duration.ofMillis(250))
                .build();

        assertThat(config).isEqualTo(new Idempotency(store, byBody, "orders", Duration.ofDays(7), true, true,
                Duration.ofMillis(250)));
    }

    @Test
    void acceptsTheLimits() {
        assertThat(valid().namespace("n").ttl(Duration.ofSeconds(1)).storeTimeout(Duration.ofMillis(100)).build())
                .isNotNull();
        assertThat(valid().namespace("n".repeat(128)).ttl(Duration.ofDays(365)).storeTimeout(Duration.ofSeconds(60))
                .build()).isNotNull();
    }

    // ---------------------------------------------------------------------------------------------------------
    // store and key

    @Test
    void rejectsAMissingStore() {
        assertRejected(Idempotency.builder(), "store").hasMessage("store must be set");
    }

    @Test
    void rejectsANullStore() {
        assertRejected(valid().store(null), "store").hasMessage("store must be set");
    }

    @Test
    void rejectsANullKey() {
        assertRejected(valid().key(null), "key").hasMessage("key must not be null");
    }

    // ---------------------------------------------------------------------------------------------------------
    // namespace

    @Test
    void rejectsAnEmptyNamespace() {
        assertRejected(valid().namespace(""), "namespace").hasMessageContaining("()");
    }

    @Test
    void rejectsABlankNamespace() {
        assertRejected(valid().namespace("   "), "namespace").hasMessageContaining("(   )")
                .hasMessageContaining("1 to 128 characters");
    }

    @Test
    void rejectsANamespaceOver128Characters() {
        String tooLong = "n".repeat(129);

        assertRejected(valid().namespace(tooLong), "namespace").hasMessageContaining("(" + tooLong + ")")
                .hasMessageContaining("1 to 128 characters");
    }

    // ---------------------------------------------------------------------------------------------------------
    // ttl

    @Test
    void rejectsANullTtl() {
        assertRejected(valid().ttl(null), "ttl").hasMessageContaining("(null)");
    }

    @Test
    void rejectsATtlUnderOneSecond() {
        assertRejected(valid().ttl(Duration.ofMillis(999)), "ttl").hasMessageContaining("(PT0.999S)")
                .hasMessageContaining("PT1S").hasMessageContaining("P365D");
    }

    @Test
    void rejectsANegativeTtl() {
        assertRejected(valid().ttl(Duration.ofSeconds(-5)), "ttl").hasMessageContaining("(PT-5S)");
    }

    @Test
    void rejectsATtlOver365Days() {
        assertRejected(valid().ttl(Duration.ofDays(365).plusSeconds(1)), "ttl")
                .hasMessageContaining("(" + Duration.ofDays(365).plusSeconds(1) + ")");
    }

    // ---------------------------------------------------------------------------------------------------------
    // storeTimeout

    @Test
    void rejectsANullStoreTimeout() {
        assertRejected(valid().storeTimeout(null), "storeTimeout").hasMessageContaining("(null)");
    }

    @Test
    void rejectsAStoreTimeoutUnder100Milliseconds() {
        assertRejected(valid().storeTimeout(Duration.ofMillis(99)), "storeTimeout")
                .hasMessageContaining("(PT0.099S)").hasMessageContaining("PT0.1S").hasMessageContaining("PT1M");
    }

    @Test
    void rejectsAStoreTimeoutOver60Seconds() {
        assertRejected(valid().storeTimeout(Duration.ofSeconds(61)), "storeTimeout")
                .hasMessageContaining("(PT1M1S)");
    }

    // ---------------------------------------------------------------------------------------------------------
    // order

    @Test
    void reportsTheFirstRejectedFieldInOrder() {
        assertRejected(Idempotency.builder().key(null).ttl(null), "store");
        assertRejected(valid().key(null).namespace(""), "key");
        assertRejected(valid().namespace("").ttl(null), "namespace");
        assertRejected(valid().ttl(null).storeTimeout(null), "ttl");
    }
}
