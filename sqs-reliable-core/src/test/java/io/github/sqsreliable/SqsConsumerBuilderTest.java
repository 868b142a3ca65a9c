package io.github.sqsreliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import io.github.sqsreliable.internal.ConsumerSettings;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import io.github.sqsreliable.observe.ConsumerListener;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The builder's validation, one rule per test: each test breaks exactly one option of an otherwise valid
 * builder and expects {@link InvalidConfigurationException} naming that option and showing its value.
 */
class SqsConsumerBuilderTest {

    private static final String QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";
    private static final MessageHandler HANDLER = message -> { };

    private final SqsAsyncClient client = mock(SqsAsyncClient.class);

    /** A builder with the three required options and every other option at its default. */
    private SqsConsumer.Builder minimal() {
        return SqsConsumer.builder().sqsClient(client).queueUrl(QUEUE_URL).handler(HANDLER);
    }

    private static void assertRejected(SqsConsumer.Builder builder, String field, String shownValue) {
        ThrowingCallable settings = builder::settings;
        assertThatThrownBy(settings)
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(field + " ")
                .hasMessageContaining(shownValue)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
        // build() validates through settings(), so it rejects the same field.
        ThrowingCallable build = builder::build;
        assertThatThrownBy(build)
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
    }

    // ---------------------------------------------------------------------------------------------------
    // Required options
    // ---------------------------------------------------------------------------------------------------

    @Test
    void rejectsMissingSqsClient() {
        // given
        SqsConsumer.Builder builder = SqsConsumer.builder().queueUrl(QUEUE_URL).handler(HANDLER);
        // when / then
        assertRejected(builder, "sqsClient", "must be set");
    }

    @Test
    void rejectsMissingQueueUrl() {
        SqsConsumer.Builder builder = SqsConsumer.builder().sqsClient(client).handler(HANDLER);

        assertRejected(builder, "queueUrl", "must be set");
    }

    @Test
    void rejectsQueueUrlThatIsNotHttp() {
        SqsConsumer.Builder builder = minimal().queueUrl("orders");

        assertRejected(builder, "queueUrl", "(orders)");
    }

    @Test
    void rejectsQueueUrlWithAnotherScheme() {
        SqsConsumer.Builder builder = minimal().queueUrl("sqs://sqs.us-east-1.amazonaws.com/123456789012/orders");

        assertRejected(builder, "queueUrl", "sqs://sqs.us-east-1.amazonaws.com/123456789012/orders");
    }

    @Test
    void rejectsQueueUrlWithoutPath() {
        SqsConsumer.Builder builder = minimal().queueUrl("https://sqs.us-east-1.amazonaws.com");

        assertRejected(builder, "queueUrl", "(https://sqs.us-east-1.amazonaws.com)");
    }

    @Test
    void acceptsQueueUrlWithUpperCaseScheme() {
        ConsumerSettings settings = minimal().queueUrl("HTTPS://sqs.us-east-1.amazonaws.com/123456789012/orders")
                .settings();

        assertThat(settings.queueName()).isEqualTo("orders");
    }

    @Test
    void rejectsQueueUrlWithoutQueueName() {
        SqsConsumer.Builder builder = minimal().queueUrl("https://sqs.us-east-1.amazonaws.com/123/");

        assertRejected(builder, "queueUrl", "(https://sqs.us-east-1.amazonaws.com/123/)");
    }

    @Test
    void rejectsMissingHandler() {
        SqsConsumer.Builder builder = SqsConsumer.builder().sqsClient(client).queueUrl(QUEUE_URL);

        assertRejected(builder, "handler", "must be set");
    }

    // ---------------------------------------------------------------------------------------------------
    // name
    // ---------------------------------------------------------------------------------------------------

    @Test
    void rejectsBlankName() {
        SqsConsumer.Builder builder = minimal().name("   ");

        assertRejected(builder, "name", "(   )");
    }

    @Test
    void rejectsEmptyName() {
        SqsConsumer.Builder builder = minimal().name("");

        assertRejected(builder, "name", "()");
    }

    @Test
    void rejectsNameLongerThanEightyCharacters() {
        String name = "n".repeat(81);
        SqsConsumer.Builder builder = minimal().name(name);

        assertRejected(builder, "name", "(" + name + ")");
    }

    @Test
    void acceptsNameOfEightyCharacters() {
        String name = "n".repeat(80);

        ConsumerSettings settings = minimal().name(name).settings();

        assertThat(settings.name()).isEqualTo(name);
    }

    // ---------------------------------------------------------------------------------------------------
    // maxConcurrency, prefetch, pollers
    // ---------------------------------------------------------------------------------------------------

    @Test
    void rejectsZeroMaxConcurrency() {
        SqsConsumer.Builder builder = minimal().maxConcurrency(0);

        assertRejected(builder, "maxConcurrency", "(0)");
    }

    @Test
    void rejectsMaxConcurrencyAboveTenThousand() {
        SqsConsumer.Builder builder = minimal().maxConcurrency(10_001);

        assertRejected(builder, "maxConcurrency", "(10001)");
    }

    @Test
    void rejectsNegativePrefetch() {
        SqsConsumer.Builder builder = minimal().prefetch(-1);

        assertRejected(builder, "prefetch", "(-1)");
    }

    @Test
    void rejectsPrefetchAboveOneThousand() {
        SqsConsumer.Builder builder = minimal().prefetch(1_001);

        assertRejected(builder, "prefetch", "(1001)");
    }

    @Test
    void rejectsZeroPollers() {
        SqsConsumer.Builder builder = minimal().pollers(0);

        assertRejected(builder, "pollers", "(0)");
    }

    @Test
    void rejectsPollersAboveSixtyFour() {
        SqsConsumer.Builder builder = minimal().pollers(65);

        assertRejected(builder, "pollers", "(65)");
    }

    // ---------------------------------------------------------------------------------------------------
    // waitTime
    // ---------------------------------------------------------------------------------------------------

    @Test
    void rejectsNullWaitTime() {
        SqsConsumer.Builder builder = minimal().waitTime(null);

        assertRejected(builder, "waitTime", "must not be null");
    }

    @Test
    void rejectsNegativeWaitTime() {
        SqsConsumer.Builder builder = minimal().waitTime(Duration.ofSeconds(-1));

        assertRejected(builder, "waitTime", "(PT-1S)");
    }

    @Test
    void rejectsWaitTimeAboveTwentySeconds() {
        SqsConsumer.Builder builder = minimal().waitTime(Duration.ofSeconds(25));

        assertRejected(builder, "waitTime", "(PT25S)");
    }

    @Test
    void rejectsWaitTimeThatIsNotWholeSeconds() {
        SqsConsumer.Builder builder = minimal().waitTime(Duration.ofMillis(1_500));

        assertRejected(builder, "waitTime", "(PT1.5S)");
    }

    // ---------------------------------------------------------------------------------------------------
    // systemAttributes
    // ---------------------------------------------------------------------------------------------------

    @Test
    void receivesOnlyTheSystemAttributesTheConsumerReadsByDefault() {
        ConsumerSettings settings = minimal().settings();

        // SentTimestamp for the age of the oldest message, while queue sampling is on (the default)
        assertThat(settings.systemAttributes()).containsExactly(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                MessageSystemAttributeName.MESSAGE_GROUP_ID, MessageSystemAttributeName.SENT_TIMESTAMP);
        assertThat(settings.queueSampling()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void leavesSentTimestampOutWhenQueueSamplingIsOff() {
        ConsumerSettings settings = minimal().queueSampling(Duration.ZERO).settings();

        assertThat(settings.systemAttributes()).containsExactly(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                MessageSystemAttributeName.MESSAGE_GROUP_ID);
    }

    @Test
    void rejectsAQueueSamplingIntervalOutsideItsRange() {
        assertRejected(minimal().queueSampling(Duration.ofMillis(500)), "queueSampling", "between 1 s and 1 h");
        assertRejected(minimal().queueSampling(Duration.ofHours(2)), "queueSampling", "between 1 s and 1 h");
        assertRejected(minimal().queueSampling(Duration.ofSeconds(-1)), "queueSampling", "between 1 s and 1 h");
        assertRejected(minimal().queueSampling(null), "queueSampling", "must");
    }

    @Test
    void addsTheSystemAttributesAskedForOnceEach() {
        ConsumerSettings settings = minimal().queueSampling(Duration.ZERO).systemAttributes(
                MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                .settings();

        assertThat(settings.systemAttributes()).containsExactly(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                MessageSystemAttributeName.MESSAGE_GROUP_ID, MessageSystemAttributeName.SENT_TIMESTAMP);
    }

    @Test
    void asksForAllAloneWhenAllIsAskedFor() {
        ConsumerSettings settings = minimal().systemAttributes(MessageSystemAttributeName.SENT_TIMESTAMP,
                MessageSystemAttributeName.ALL).settings();

        assertThat(settings.systemAttributes()).containsExactly(MessageSystemAttributeName.ALL);
    }

    @Test
    void rejectsANullSystemAttributeName() {
        SqsConsumer.Builder builder = minimal().systemAttributes(MessageSystemAttributeName.SENT_TIMESTAMP, null);

        assertRejected(builder, "systemAttributes", "none null");
    }

    @Test
    void rejectsNullSystemAttributes() {
        SqsConsumer.Builder builder = minimal().systemAttributes((MessageSystemAttributeName[]) null);

        assertRejected(builder, "systemAttributes", "none null");
    }

    // ---------------------------------------------------------------------------------------------------
    // visibilityTimeout, visibilityExtensionMargin
    // ---------------------------------------------------------------------------------------------------

    @Test
    void rejectsVisibilityTimeoutBelowOneSecond() {
        SqsConsumer.Builder builder = minimal().visibilityTimeout(Duration.ZERO);

        assertRejected(builder, "visibilityTimeout", "(PT0S)");
    }

    @Test
    void rejectsVisibilityTimeoutAboveTwelveHours() {
        Duration tooLong = Duration.ofHours(12).plusSeconds(1);
        SqsConsumer.Builder builder = minimal().visibilityTimeout(tooLong);

        assertRejected(builder, "visibilityTimeout", "(" + tooLong + ")");
    }

    @Test
    void rejectsVisibilityTimeoutThatIsNotWholeSeconds() {
        SqsConsumer.Builder builder = minimal().visibilityTimeout(Duration.ofMillis(1_500));

        assertRejected(builder, "visibilityTimeout", "(PT1.5S)");
    }

    @Test
    void rejectsZeroVisibilityExtensionMargin() {
        SqsConsumer.Builder builder = minimal().visibilityExtensionMargin(Duration.ZERO);

        assertRejected(builder, "visibilityExtensionMargin", "(PT0S)");
    }

    @Test
    void rejectsNegativeVisibilityExtensionMargin() {
        SqsConsumer.Builder builder = minimal().visibilityExtensionMargin(Duration.ofSeconds(-5));

        assertRejected(builder, "visibilityExtensionMargin", "(PT-5S)");
    }

    @Test
    void rejectsVisibilityExtensionMarginNotLessThanVisibilityTimeout() {
        SqsConsumer.Builder builder = minimal()
                .visibilityTimeout(Duration.ofSeconds(30))
                .visibilityExtensionMargin(Duration.ofSeconds(30));

        assertRejected(builder, "visibilityExtensionMargin", "(PT30S) must be less than visibilityTimeout (PT30S)");
    }

    @Test
    void acceptsVisibilityExtensionMarginWithoutVisibilityTimeout() {
        // given: the timeout comes from the queue at start(), so the margin cannot be compared yet
        SqsConsumer.Builder builder = minimal().visibilityExtensionMargin(Duration.ofMinutes(10));

        // when
        ConsumerSettings settings = builder.settings();

        // then
        assertThat(settings.visibilityExtensionMargin()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.visibilityTimeout()).isNull();
    }

    // ---------------------------------------------------------------------------------------------------
    // maxProcessingTime
    // ---------------------------------------------------------------------------------------------------

    @Test
    void rejectsNullMaxProcessingTime() {
        SqsConsumer.Builder builder = minimal().maxProcessingTime(null);

        assertRejected(builder, "maxProcessingTime", "must not be null");
    }

    @Test
    void rejectsZeroMaxProcessingTime() {
        SqsConsumer.Builder builder = minimal().maxProcessingTime(Duration.ZERO);

        assertRejected(builder, "maxProcessingTime", "(PT0S)");
    }

    @Test
    void rejectsMaxProcessingTimeAboveTwelveHours() {
        Duration tooLong = Duration.ofHours(12).plusMillis(1);
        SqsConsumer.Builder builder = minimal().maxProcessingTime(tooLong);

        assertRejected(builder, "maxProcessingTime", "(" + tooLong + ")");
    }

    // ---------------------------------------------------------------------------------------------------
    // shutdownTimeout, batchFlushInterval
    // ---------------------------------------------------------------------------------------------------

    @Test
    void rejectsNullShutdownTimeout() {
        SqsConsumer.Builder builder = minimal().shutdownTimeout(null);

        assertRejected(builder, "shutdownTimeout", "must not be null");
    }

    @Test
    void rejectsNegativeShutdownTimeout() {
        SqsConsumer.Builder builder = minimal().shutdownTimeout(Duration.ofMillis(-1));

        assertRejected(builder, "shutdownTimeout", "(PT-0.001S)");
    }

    @Test
    void rejectsShutdownTimeoutAboveOneHour() {
        Duration tooLong = Duration.ofHours(1).plusSeconds(1);
        SqsConsumer.Builder builder = minimal().shutdownTimeout(tooLong);

        assertRejected(builder, "shutdownTimeout", "(PT1H1S)");
    }

    @Test
    void rejectsNullBatchFlushInterval() {
        SqsConsumer.Builder builder = minimal().batchFlushInterval(null);

        assertRejected(builder, "batchFlushInterval", "must not be null");
    }

    @Test
    void rejectsNegativeBatchFlushInterval() {
        SqsConsumer.Builder builder = minimal().batchFlushInterval(Duration.ofMillis(-1));

        assertRejected(builder, "batchFlushInterval", "(PT-0.001S)");
    }

    @Test
    void rejectsBatchFlushIntervalAboveOneSecond() {
        SqsConsumer.Builder builder = minimal().batchFlushInterval(Duration.ofMillis(1_001));

        assertRejected(builder, "batchFlushInterval", "(PT1.001S)");
    }

    // ---------------------------------------------------------------------------------------------------
    // listener
    // ---------------------------------------------------------------------------------------------------

    @Test
    void rejectsNullListener() {
        SqsConsumer.Builder builder = minimal().listener(new ConsumerListener() { }).listener(null);

        assertRejected(builder, "listener", "must not be null");
    }

    // ---------------------------------------------------------------------------------------------------
    // Order, boundaries and defaults
    // ---------------------------------------------------------------------------------------------------

    @Test
    void namesTheFirstRejectedFieldWhenSeveralAreInvalid() {
        // given: waitTime is checked before shutdownTimeout
        SqsConsumer.Builder builder = minimal()
                .shutdownTimeout(Duration.ofHours(2))
                .waitTime(Duration.ofSeconds(25));

        // when / then
        assertRejected(builder, "waitTime", "(PT25S)");
    }

    @Test
    void acceptsEveryOptionAtItsLimits() {
        // given
        SqsConsumer.Builder lower = minimal()
                .maxConcurrency(1).prefetch(0).pollers(1)
                .waitTime(Duration.ZERO)
                .visibilityTimeout(Duration.ofSeconds(1))
                .visibilityExtensionMargin(Duration.ofMillis(1))
                .maxProcessingTime(Duration.ofNanos(1))
                .shutdownTimeout(Duration.ZERO)
                .batchFlushInterval(Duration.ZERO);
        SqsConsumer.Builder upper = minimal()
                .maxConcurrency(10_000).prefetch(1_000).pollers(64)
                .waitTime(Duration.ofSeconds(20))
                .visibilityTimeout(Duration.ofHours(12))
                .visibilityExtensionMargin(Duration.ofHours(12).minusNanos(1))
                .maxProcessingTime(Duration.ofHours(12))
                .shutdownTimeout(Duration.ofHours(1))
                .batchFlushInterval(Duration.ofSeconds(1));

        // when / then
        assertThatCode(lower::settings).doesNotThrowAnyException();
        assertThatCode(upper::settings).doesNotThrowAnyException();
    }

    @Test
    void buildsMinimalBuilderWithDocumentedDefaults() {
        // given
        SqsConsumer.Builder builder = minimal();

        // when
        ConsumerSettings settings = builder.settings();

        // then
        assertThat(settings.sqsClient()).isSameAs(client);
        assertThat(settings.queueUrl()).isEqualTo(QUEUE_URL);
        assertThat(settings.queueName()).isEqualTo("orders");
        assertThat(settings.handler()).isSameAs(HANDLER);
        assertThat(settings.name()).isEqualTo("orders");
        assertThat(settings.maxConcurrency()).isEqualTo(32).isEqualTo(SqsConsumer.Builder.DEFAULT_MAX_CONCURRENCY);
        assertThat(settings.prefetch()).isEqualTo(300).isEqualTo(SqsConsumer.Builder.DEFAULT_PREFETCH);
        assertThat(settings.capacity()).isEqualTo(332);
        assertThat(settings.pollers()).isEqualTo(32); // ceil(332 / 10), clamped to DEFAULT_MAX_POLLERS
        assertThat(settings.waitTime()).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.visibilityTimeout()).isNull();
        assertThat(settings.visibilityExtensionMargin()).isNull();
        assertThat(settings.maxProcessingTime()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.batchFlushInterval()).isEqualTo(Duration.ofMillis(20));
        assertThat(settings.executor()).isNull();
        assertThat(settings.listeners()).isEmpty();
        assertThat(settings.threadPrefix()).isEqualTo("sqs-reliable-orders");
    }

    @ParameterizedTest(name = "maxConcurrency={0}, prefetch={1} -> {2} pollers")
    @CsvSource({
            "1, 0, 1",
            "10, 0, 1",
            "10, 1, 2",
            "32, 10, 5",
            "50, 0, 5",
            "51, 0, 6",
            "70, 10, 8",
            "150, 10, 16",
            "151, 10, 17",
            "310, 0, 31",
            "311, 0, 32",
            "321, 0, 32",
            "10000, 1000, 32",
    })
    void derivesPollersFromCapacityClampedToOneToThirtyTwo(int maxConcurrency, int prefetch, int expectedPollers) {
        ConsumerSettings settings = minimal().maxConcurrency(maxConcurrency).prefetch(prefetch).settings();

        assertThat(settings.pollers()).isEqualTo(expectedPollers);
    }

    @Test
    void prefetchesLessOnAFifoQueueUnlessTold() {
        // given: a FIFO queue, once with the default prefetch and once with an explicit one
        String fifoQueue = QUEUE_URL + ".fifo";
        ConsumerSettings byDefault = minimal().queueUrl(fifoQueue).settings();
        ConsumerSettings explicit = minimal().queueUrl(fifoQueue).prefetch(300).settings();

        // then: the FIFO default, which may grow over a slow network, with pollers derived from its ceiling
        // (ceil(332 / 10), clamped to DEFAULT_MAX_POLLERS); an explicit value is kept and never grows
        assertThat(byDefault.prefetch()).isEqualTo(SqsConsumer.Builder.DEFAULT_FIFO_PREFETCH)
                .isLessThan(SqsConsumer.Builder.DEFAULT_PREFETCH);
        assertThat(byDefault.prefetchCeiling()).isEqualTo(SqsConsumer.Builder.DEFAULT_FIFO_PREFETCH_CEILING);
        assertThat(byDefault.pollers()).isEqualTo(SqsConsumer.Builder.DEFAULT_MAX_POLLERS);
        assertThat(explicit.prefetch()).isEqualTo(300);
        assertThat(explicit.prefetchCeiling()).isEqualTo(300);
        assertThat(minimal().queueUrl(fifoQueue).prefetch(50).settings().prefetchCeiling()).isEqualTo(50);
        assertThat(minimal().settings().prefetchCeiling()).isEqualTo(SqsConsumer.Builder.DEFAULT_PREFETCH);
    }

    @Test
    void keepsExplicitPollers() {
        // given: an explicit value outside the derived 1..32 range, and one below the derived value
        ConsumerSettings many = minimal().pollers(40).settings();
        ConsumerSettings one = minimal().maxConcurrency(1_000).pollers(1).settings();

        // then
        assertThat(many.pollers()).isEqualTo(40);
        assertThat(one.pollers()).isEqualTo(1);
    }

    @Test
    void keepsExplicitOptions() {
        // given
        Executor executor = Runnable::run;
        ConsumerListener listener = new ConsumerListener() { };

        // when
        ConsumerSettings settings = minimal()
                .name("billing")
                .visibilityTimeout(Duration.ofMinutes(2))
                .visibilityExtensionMargin(Duration.ofSeconds(45))
                .executor(executor)
                .listener(listener)
                .settings();

        // then
        assertThat(settings.name()).isEqualTo("billing");
        assertThat(settings.queueName()).isEqualTo("orders");
        assertThat(settings.visibilityTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.visibilityExtensionMargin()).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.executor()).isSameAs(executor);
        assertThat(settings.listeners()).containsExactly(listener);
    }

    @Test
    void settingsHoldAnImmutableCopyOfTheListeners() {
        // given
        SqsConsumer.Builder builder = minimal().listener(new ConsumerListener() { });
        ConsumerSettings settings = builder.settings();

        // when: the builder gains another listener after the settings were taken
        builder.listener(new ConsumerListener() { });

        // then
        assertThat(settings.listeners()).hasSize(1);
        assertThatThrownBy(() -> settings.listeners().add(new ConsumerListener() { }))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ---------------------------------------------------------------------------------------------------
    // Lifecycle without starting
    // ---------------------------------------------------------------------------------------------------

    @Test
    void buildsConsumerInStateNew() {
        // when
        SqsConsumer consumer = minimal().build();

        // then
        assertThat(consumer.state()).isEqualTo(ConsumerState.NEW);
        assertThat(consumer.queueUrl()).isEqualTo(QUEUE_URL);
        verifyNoInteractions(client);
    }

    @Test
    void closingUnstartedConsumerStopsIt() {
        // given
        SqsConsumer consumer = minimal().build();

        // when
        consumer.close();

        // then
        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);
        verifyNoInteractions(client);
    }

    @Test
    void closingTwiceIsHarmless() {
        // given
        SqsConsumer consumer = minimal().build();
        consumer.close();

        // when / then
        assertThatCode(consumer::close).doesNotThrowAnyException();
        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);
        verifyNoInteractions(client);
    }

    @Test
    void rejectsStartAfterClose() {
        // given
        SqsConsumer consumer = minimal().build();
        consumer.close();

        // when / then
        assertThatThrownBy(consumer::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("STOPPED");
        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);
        verifyNoInteractions(client);
    }
}
