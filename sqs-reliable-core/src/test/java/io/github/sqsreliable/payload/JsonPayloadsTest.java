package io.github.sqsreliable.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.github.sqsreliable.InvalidConfigurationException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * JsonPayloads reads typed values, refuses what is not exactly one value of the type, stays within its limits, never
 * lets a body name a class, and words every refusal without quoting the body (every hostile body here holds the word
 * SECRET, which no reason may contain).
 */
class JsonPayloadsTest {

    record Item(String sku, BigDecimal price) {
    }

    record Order(String id, List<Item> items, Map<String, Integer> stock) {
    }

    record Stamped(String id, Instant at) {
    }

    record Positive(int amount) {
        Positive {
            if (amount <= 0) {
                throw new IllegalArgumentException("amount SECRET must be positive");
            }
        }
    }

    /** Flags apart from the gadget, so that reading them does not initialize it. */
    static final class GadgetFlags {
        static final AtomicBoolean INITIALIZED = new AtomicBoolean();
        static final AtomicBoolean CONSTRUCTED = new AtomicBoolean();
    }

    /** Would betray an instantiation: constructing it or initializing its class flips a flag. */
    public static final class Gadget {
        static {
            GadgetFlags.INITIALIZED.set(true);
        }

        public Gadget() {
            GadgetFlags.CONSTRUCTED.set(true);
        }
    }

    record Polymorphic(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object hint, Object free) {
    }

    record MinimalClass(@JsonTypeInfo(use = JsonTypeInfo.Id.MINIMAL_CLASS) Object hint) {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = Card.class, name = "card"), @JsonSubTypes.Type(value = Cash.class,
            name = "cash")})
    interface Tender {
    }

    record Card(String last4) implements Tender {
    }

    record Cash(int cents) implements Tender {
    }

    record Paid(Tender tender) {
    }

    /** No constructor Jackson can use: the type's fault, not the body's. */
    static final class Unbindable {
        Unbindable(int a, int b) {
        }
    }

    private final JsonPayloads json = JsonPayloads.create();

    @Test
    void readsRecordsWithNestedListsAndMapsAndIgnoresUnknownProperties() {
        Order order = json.read("{\"id\":\"o-1\",\"items\":[{\"sku\":\"a\",\"price\":1.50}],"
                + "\"stock\":{\"a\":3},\"addedLater\":{\"x\":[1,2]}}", Order.class);

        assertThat(order).isEqualTo(new Order("o-1", List.of(new Item("a", new BigDecimal("1.50"))), Map.of("a", 3)));
    }

    @Test
    void writesWhatItReads() {
        Order order = new Order("o-2", List.of(new Item("b", new BigDecimal("2.25"))), Map.of("b", 1));

        assertThat(json.read(json.write(order), Order.class)).isEqualTo(order);
    }

    @Test
    void readsJavaTimeThroughTheUsersMapperWithTheJsr310Module() {
        ObjectMapper mapper = JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
        JsonPayloads withTime = JsonPayloads.builder().objectMapper(mapper).build();

        Stamped read = withTime.read("{\"id\":\"s\",\"at\":\"2024-05-01T10:15:30.123Z\"}", Stamped.class);

        assertThat(read.at()).isEqualTo(Instant.parse("2024-05-01T10:15:30.123Z"));
        assertThat(withTime.write(read)).contains("\"2024-05-01T10:15:30.123Z\"");
    }

    @Test
    void reasonGivesTheJsonPathLineColumnAndTypeButNotTheValue() {
        String body = "{\"id\":\"o-1\",\"items\":[{\"sku\":\"a\",\"price\":1},{\"sku\":\"b\",\"price\":2},\n"
                + "{\"sku\":\"c\",\"price\":\"SECRET\"}]}";

        String reason = reasonFor(body, Order.class);

        assertThat(reason).isEqualTo("malformed payload for " + Order.class.getName()
                + ": a value that cannot be converted to java.math.BigDecimal at items[2].price (line 2, column 20)");
    }

    @Test
    void mapKeysAreNotShownInThePath() {
        String reason = reasonFor("{\"id\":\"o\",\"stock\":{\"SECRET-key\":[1]}}", Order.class);

        assertThat(reason).contains("at stock.<key>").contains("java.lang.Integer");
    }

    @Test
    void invalidJsonIsDescribedWithoutJacksonsQuoteOfTheBody() {
        String reason = reasonFor("SECRET and more", Order.class);

        assertThat(reason).isEqualTo("malformed payload for " + Order.class.getName()
                + ": not valid JSON (line 1, column 1)");
    }

    @Test
    void aTruncatedBodyEndsInTheMiddleOfAValue() {
        assertThat(reasonFor("{\"id\":\"SECRET\",\"items\":[", Order.class))
                .contains("the JSON ends in the middle of a value");
    }

    @Test
    void anEmptyOrBlankBodyIsMalformed() {
        assertThat(reasonFor("", Order.class)).endsWith("the body is empty or white space only");
        assertThat(reasonFor(" \n\t", Order.class)).endsWith("the body is empty or white space only");
    }

    @Test
    void jsonNullIsMalformed() {
        assertThat(reasonFor("null", Order.class)).endsWith("the body is JSON null");
        assertThat(reasonFor(" null ", String.class)).endsWith("the body is JSON null");
    }

    @Test
    void anythingAfterTheValueIsMalformed() {
        assertThat(reasonFor("{\"id\":\"o\"} {\"id\":\"SECRET\"}", Order.class))
                .endsWith("more content follows the JSON value (line 1, column 12)");
        assertThat(reasonFor("{\"id\":\"o\"}SECRET", Order.class)).contains("not valid JSON");
        assertThat(json.read("{\"id\":\"o\"} \n ", Order.class).id()).isEqualTo("o");
    }

    @Test
    void theWrongJsonTypeNamesTheExpectedType() {
        assertThat(reasonFor("[\"SECRET\"]", Order.class)).isEqualTo("malformed payload for " + Order.class.getName()
                + ": a value of the wrong JSON type for " + Order.class.getName() + " at the top level (line 1, column 1)");
    }

    @Test
    void aConstructorThatRefusesTheValueIsNamedButItsMessageIsNotQuoted() {
        String reason = reasonFor("{\"amount\":-1}", Positive.class);

        assertThat(reason).contains("refused to be built from").contains("java.lang.IllegalArgumentException");
    }

    @Test
    void unknownPropertiesFailOnlyWithAStrictMapperAndTheirNamesAreNotShown() {
        ObjectMapper strict = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        JsonPayloads strictJson = JsonPayloads.builder().objectMapper(strict).build();

        MalformedPayloadException e = catchThrowableOfType(MalformedPayloadException.class,
                () -> strictJson.read("{\"id\":\"o\",\"items\":[{\"sku\":\"a\",\"SECRET\":1}]}", Order.class));

        assertThat(e.getMessage()).contains("a property that the type does not declare at items[0]")
                .doesNotContainIgnoringCase("secret");
    }

    @Test
    void aTypeIdNamingAClassIsRefusedBeforeTheClassIsLoaded() {
        String body = "{\"hint\":[\"" + Gadget.class.getName() + "\",{}],\"free\":{\"@class\":\"SECRET\"}}";

        String reason = reasonFor(body, Polymorphic.class);

        assertThat(reason).contains("a type id that is unknown or refused").contains("at hint");
        assertThat(GadgetFlags.INITIALIZED).isFalse();
        assertThat(GadgetFlags.CONSTRUCTED).isFalse();
        assertThat(reasonFor("{\"hint\":[\".JsonPayloadsTest$Gadget\",{}]}", MinimalClass.class))
                .contains("a type id that is unknown or refused");
        assertThat(GadgetFlags.INITIALIZED).isFalse();
    }

    @Test
    void anObjectFieldReadsPlainJsonAndNeverAClass() {
        Polymorphic read = JsonPayloads.create().read("{\"free\":{\"@class\":\"" + Gadget.class.getName() + "\"}}",
                Polymorphic.class);

        assertThat(read.free()).isEqualTo(Map.of("@class", Gadget.class.getName()));
        assertThat(GadgetFlags.CONSTRUCTED).isFalse();
    }

    @Test
    void typeIdsByNameStillWork() {
        assertThat(json.read("{\"tender\":{\"kind\":\"cash\",\"cents\":250}}", Paid.class))
                .isEqualTo(new Paid(new Cash(250)));
        assertThat(reasonFor("{\"tender\":{\"kind\":\"SECRET\"}}", Paid.class))
                .contains("a type id that is unknown or refused").contains("at tender");
    }

    @Test
    void theUsersMapperIsCopiedNeverChanged() throws Exception {
        ObjectMapper mine = new ObjectMapper();
        StreamReadConstraints before = mine.getFactory().streamReadConstraints();

        JsonPayloads built = JsonPayloads.builder().objectMapper(mine).maxNestingDepth(3).build();

        assertThat(mine.getFactory().streamReadConstraints()).isSameAs(before);
        assertThat(mine.getPolymorphicTypeValidator()).isNotInstanceOf(
                io.github.sqsreliable.internal.payload.NoClassNameTypeIds.class);
        assertThat(built.constraints().getMaxNestingDepth()).isEqualTo(3);
        assertThat(mine.readTree("[[[[1]]]]").get(0).get(0).get(0).get(0).asInt()).isEqualTo(1);
    }

    @Test
    void nestingBeyondTheLimitIsRefused() {
        JsonPayloads shallow = JsonPayloads.builder().maxNestingDepth(3).build();

        assertThat(catchThrowableOfType(MalformedPayloadException.class,
                () -> shallow.read("{\"free\":[[[\"SECRET\"]]]}", Polymorphic.class)).getMessage())
                .contains("nesting deeper than the limit of 3 (maxNestingDepth)");
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        StreamReadConstraints limits = json.constraints();

        assertThat(limits.getMaxNestingDepth()).isEqualTo(200);
        assertThat(limits.getMaxNumberLength()).isEqualTo(1_000);
        assertThat(limits.getMaxStringLength()).isEqualTo(262_144);
        assertThat(limits.getMaxDocumentLength()).isEqualTo(1_048_576);
    }

    @Test
    void numbersStringsAndBodiesBeyondTheirLimitsAreRefused() {
        JsonPayloads tight = JsonPayloads.builder().maxNumberLength(5).maxStringLength(10).maxDocumentLength(100)
                .build();

        assertThat(reasonOf(tight, "{\"amount\":1234567}", Positive.class))
                .contains("a number longer than the limit of 5 characters (maxNumberLength)");
        assertThat(reasonOf(tight, "{\"id\":\"SECRET-SECRET\"}", Order.class))
                .contains("a string (or number) longer than the limit of 10 characters (maxStringLength)");
        assertThat(reasonOf(tight, "{\"id\":\"o\",\"stock\":{" + "\"k\":1,".repeat(30) + "\"z\":1}}", Order.class))
                .contains("a body longer than the limit of 100 characters (maxDocumentLength)");
    }

    @Test
    void aTypeJacksonCannotBindIsTheTypesFaultNotTheMessages() {
        assertThatThrownBy(() -> json.read("{}", Unbindable.class))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot read any message as " + Unbindable.class.getName());
    }

    @Test
    void objectMapperMustNotBeNull() {
        assertRejected(JsonPayloads.builder().objectMapper(null), "objectMapper");
    }

    @Test
    void maxNestingDepthMustBePositive() {
        assertRejected(JsonPayloads.builder().maxNestingDepth(0), "maxNestingDepth");
    }

    @Test
    void maxNumberLengthMustBePositive() {
        assertRejected(JsonPayloads.builder().maxNumberLength(0), "maxNumberLength");
    }

    @Test
    void maxStringLengthMustBePositive() {
        assertRejected(JsonPayloads.builder().maxStringLength(-1), "maxStringLength");
    }

    @Test
    void maxDocumentLengthMustBePositive() {
        assertRejected(JsonPayloads.builder().maxDocumentLength(0), "maxDocumentLength");
    }

    private static void assertRejected(JsonPayloads.Builder builder, String field) {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class, builder::build);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).startsWith(field + " ");
    }

    private String reasonFor(String body, Class<?> type) {
        return reasonOf(json, body, type);
    }

    /** The reason, checked never to hold the word every hostile body here carries. */
    private static String reasonOf(JsonPayloads reader, String body, Class<?> type) {
        MalformedPayloadException e = catchThrowableOfType(MalformedPayloadException.class,
                () -> reader.read(body, type));
        assertThat(e).as("reading %s", type.getSimpleName()).isNotNull();
        assertThat(e.getCause()).isNull();
        assertThat(e.getMessage()).doesNotContainIgnoringCase("secret");
        return e.getMessage();
    }
}
