package io.github.sqsreliable.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** {@link FailureRecord}: the one message attribute's encoding, decoding and sanitising. */
class FailureRecordTest {

    private static final String ORIGIN = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders?x=1&y=2";
    private static final Instant FIRST = Instant.parse("2024-05-01T10:15:30.123Z");
    private static final Instant LAST = Instant.parse("2024-05-01T10:16:02Z");

    private static FailureRecord minimal() {
        return new FailureRecord(2, 0, ORIGIN, "6f1c-4b1e", FIRST, LAST, "java.lang.IllegalStateException",
                "downstream is down", FailureKind.TRANSIENT, null, null, null);
    }

    private static FailureRecord full() {
        return new FailureRecord(7, 2, ORIGIN, "id=with&odd+chars%", FIRST, LAST,
                "com.example.Ünïcødé$Inner", "a=b&c=d 50% off + more, see https://example.com/a?b=c&d=e — 日本語 ✓ 😀",
                FailureKind.PERMANENT, Instant.parse("2024-05-01T11:00:00Z"), DeadLetterReason.PERMANENT_FAILURE,
                Instant.parse("2024-05-01T10:16:03Z"));
    }

    @Test
    void roundTripsEveryField() {
        FailureRecord record = full();

        FailureRecord decoded = FailureRecord.decode(record.encode());

        assertThat(decoded).isEqualTo(record);
        assertThat(decoded.notBefore()).isEqualTo(Instant.parse("2024-05-01T11:00:00Z"));
        assertThat(decoded.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
        assertThat(decoded.errorMessage()).contains("a=b&c=d 50% off + more").contains("日本語 ✓ 😀");
    }

    @Test
    void roundTripsWithoutTheOptionalFields() {
        FailureRecord record = minimal();

        FailureRecord decoded = FailureRecord.decode(record.encode());

        assertThat(decoded).isEqualTo(record);
        assertThat(decoded.notBefore()).isNull();
        assertThat(decoded.deadLetterReason()).isNull();
        assertThat(decoded.deadLetteredAt()).isNull();
        assertThat(record.encode()).doesNotContain("notBefore").doesNotContain("deadLetter");
    }

    @Test
    void roundTripsAnEmptyErrorMessage() {
        FailureRecord record = new FailureRecord(1, 0, ORIGIN, "id", FIRST, FIRST, "java.lang.NullPointerException",
                null, FailureKind.TRANSIENT, null, null, null);

        assertThat(record.errorMessage()).isEmpty();
        assertThat(FailureRecord.decode(record.encode())).isEqualTo(record);
    }

    @Test
    void encodesAsReadableFormFieldsWithSpecialCharactersEscaped() {
        String encoded = full().encode();

        assertThat(encoded).startsWith("attempts=7&tier=2&kind=PERMANENT&errorClass=");
        assertThat(encoded).contains("&originQueueUrl=https%3A%2F%2Fsqs.eu-west-1.amazonaws.com%2F123456789012"
                + "%2Forders%3Fx%3D1%26y%3D2&");
        assertThat(encoded).contains("&firstFailureAt=2024-05-01T10%3A15%3A30.123Z&");
        assertThat(encoded).contains("&deadLetterReason=PERMANENT_FAILURE&");
        // every '&' separates fields, every '=' separates a name from its value
        assertThat(encoded.split("&")).hasSize(12).allSatisfy(pair -> assertThat(pair.chars()
                .filter(c -> c == '=').count()).isEqualTo(1));
    }

    @Test
    void toAttributeIsAStringAttributeHoldingTheEncoding() {
        MessageAttributeValue attribute = minimal().toAttribute();

        assertThat(attribute.dataType()).isEqualTo("String");
        assertThat(attribute.stringValue()).isEqualTo(minimal().encode());
    }

    @Test
    void readsTheRecordFromMessageAttributes() {
        SqsMessage message = SqsMessage.builder().queueUrl(ORIGIN).messageId("m").body("{}")
                .messageAttributes(Map.of(FailureRecord.ATTRIBUTE_NAME, full().toAttribute(),
                        "tenant", MessageAttributeValue.builder().dataType("String").stringValue("acme").build()))
                .build();

        assertThat(FailureRecord.of(message)).contains(full());
        assertThat(FailureRecord.of(message.messageAttributes())).contains(full());
    }

    @Test
    void aMessageWithoutTheAttributeHasNoRecord() {
        SqsMessage message = SqsMessage.builder().queueUrl(ORIGIN).messageId("m").body("{}").build();

        assertThat(FailureRecord.of(message)).isEmpty();
        assertThat(FailureRecord.of(Map.of(FailureRecord.ATTRIBUTE_NAME,
                MessageAttributeValue.builder().dataType("Binary").build()))).isEmpty();
        assertThat(FailureRecord.ATTRIBUTE_NAME).isEqualTo("sqsreliable.failure");
    }

    @Test
    void withNotBeforeAndDeadLetteredKeepTheRest() {
        Instant notBefore = Instant.parse("2024-05-01T12:00:00Z");
        FailureRecord delayed = minimal().withNotBefore(notBefore);
        FailureRecord deadLettered = delayed.deadLettered(DeadLetterReason.ATTEMPTS_EXHAUSTED, LAST);

        assertThat(delayed.notBefore()).isEqualTo(notBefore);
        assertThat(delayed.attempts()).isEqualTo(2);
        assertThat(deadLettered.notBefore()).isNull();
        assertThat(deadLettered.deadLetterReason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
        assertThat(deadLettered.deadLetteredAt()).isEqualTo(LAST);
        assertThat(deadLettered.originalMessageId()).isEqualTo("6f1c-4b1e");
        assertThat(deadLettered.firstFailureAt()).isEqualTo(FIRST);
    }

    @Test
    void sanitizeTurnsControlCharactersIntoSpaces() {
        assertThat(FailureRecord.sanitize("line one\nline two\r\n\ttabbed\u0000nul\u0007bell\u007Fdel"))
                .isEqualTo("line one line two tabbed nul bell del");
    }

    @Test
    void sanitizeCollapsesRunsOfWhiteSpaceAndStripsTheEnds() {
        assertThat(FailureRecord.sanitize("   lots    of \t\t space   ")).isEqualTo("lots of space");
    }

    @Test
    void sanitizeTurnsNullIntoEmpty() {
        assertThat(FailureRecord.sanitize(null)).isEmpty();
    }

    @Test
    void sanitizeKeepsAMessageOfExactlyTheLimit() {
        String exact = "x".repeat(FailureRecord.MAX_ERROR_MESSAGE_LENGTH);

        assertThat(FailureRecord.sanitize(exact)).isEqualTo(exact);
    }

    @Test
    void sanitizeCutsALongMessageAtTheLimitWithAnEllipsis() {
        String cut = FailureRecord.sanitize("y".repeat(1000));

        assertThat(cut).hasSize(FailureRecord.MAX_ERROR_MESSAGE_LENGTH).endsWith("…");
        assertThat(cut.substring(0, 255)).isEqualTo("y".repeat(255));
        assertThat(FailureRecord.MAX_ERROR_MESSAGE_LENGTH).isEqualTo(256);
    }

    @Test
    void theRecordSanitizesItsErrorMessage() {
        FailureRecord record = new FailureRecord(1, 0, ORIGIN, "id", FIRST, FIRST, "E", "bad\ninput " + "z".repeat(400),
                FailureKind.PERMANENT, null, null, null);

        assertThat(record.errorMessage()).startsWith("bad input zzz").hasSize(256).endsWith("…");
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        // given a message whose 255th and 256th characters are one emoji
        String message = "a".repeat(254) + "😀" + " and more";

        String cut = FailureRecord.sanitize(message);
        FailureRecord record = new FailureRecord(1, 0, ORIGIN, "id", FIRST, FIRST, "E", message,
                FailureKind.PERMANENT, null, null, null);

        // then no lone surrogate is left, and the record survives its own encoding
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
        assertThat(FailureRecord.decode(record.encode())).isEqualTo(record);
    }

    @Test
    void theRecordAddsAbout400BytesToACopyWithAShortErrorMessage() {
        FailureRecord record = deadLetteredWithMessage("downstream is down");

        assertThat(addedBytes(record)).isBetween(400, 450);
    }

    @Test
    void theRecordAddsUnder700BytesToACopyWithAnErrorMessageOfTheFullLength() {
        FailureRecord record = deadLetteredWithMessage("order 42 was rejected by the payments service ".repeat(10));

        assertThat(record.errorMessage()).hasSize(FailureRecord.MAX_ERROR_MESSAGE_LENGTH);
        assertThat(addedBytes(record)).isBetween(600, 700);
    }

    @Test
    void theRecordAddsAtMost2700BytesBesidesTheErrorClassTheOriginQueueUrlAndTheMessageId() {
        // given every field at its longest: an error message whose every character takes 3 bytes in UTF-8 (9 once
        // URL-encoded), the largest numbers, instants with nanoseconds, and every optional field
        Instant precise = Instant.parse("2024-05-01T10:15:30.123456789Z");
        String origin = "https://sqs.ap-southeast-3.amazonaws.com/123456789012/" + "q".repeat(80);
        String messageId = "5fea7756-0ea4-451a-a703-a558b933e274";
        String errorClass = "com.example.Outer$Inner";
        FailureRecord record = new FailureRecord(Integer.MAX_VALUE, Integer.MAX_VALUE, origin, messageId, precise,
                precise, errorClass, "日".repeat(1000), FailureKind.PERMANENT, precise,
                DeadLetterReason.ATTEMPTS_EXHAUSTED, precise);

        // when the variable-length fields are set aside
        int rest = addedBytes(record) - encodedLength(errorClass) - encodedLength(origin) - encodedLength(messageId);

        // then
        assertThat(record.errorMessage()).hasSize(FailureRecord.MAX_ERROR_MESSAGE_LENGTH);
        assertThat(rest).isLessThanOrEqualTo(2_700);
    }

    @Test
    void readsARecordShortenedToItsEssentialFieldsAndAddsUnder400Bytes() {
        // given the form a copy near its size limit carries: no error class, no error message
        FailureRecord whole = deadLetteredWithMessage("downstream is down");
        FailureRecord essential = new FailureRecord(whole.attempts(), whole.tier(), whole.originQueueUrl(),
                whole.originalMessageId(), whole.firstFailureAt(), whole.lastFailureAt(), "", "", whole.kind(),
                whole.notBefore(), whole.deadLetterReason(), whole.deadLetteredAt());

        // when it is read back from its attribute
        FailureRecord read = FailureRecord.of(Map.of(FailureRecord.ATTRIBUTE_NAME, essential.toAttribute()))
                .orElseThrow();

        // then every other field survives
        assertThat(read).isEqualTo(essential);
        assertThat(read.errorClass()).isEmpty();
        assertThat(read.errorMessage()).isEmpty();
        assertThat(read.attempts()).isEqualTo(6);
        assertThat(read.deadLetterReason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
        assertThat(addedBytes(essential)).isBetween(350, 400);
    }

    @Test
    void readsARecordWhoseErrorMessageWasCutToAnEllipsis() {
        FailureRecord cut = deadLetteredWithMessage("…");

        assertThat(FailureRecord.decode(cut.encode()).errorMessage()).isEqualTo("…");
    }

    private static FailureRecord deadLetteredWithMessage(String errorMessage) {
        return new FailureRecord(6, 1, "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                "5fea7756-0ea4-451a-a703-a558b933e274", FIRST, LAST, "java.lang.IllegalStateException", errorMessage,
                FailureKind.TRANSIENT, null, null, null)
                .deadLettered(DeadLetterReason.ATTEMPTS_EXHAUSTED, Instant.parse("2024-05-01T10:16:02.010Z"));
    }

    /** What SQS counts toward a message's size for the attribute: its name, its data type and its value. */
    private static int addedBytes(FailureRecord record) {
        MessageAttributeValue attribute = record.toAttribute();
        return utf8Length(FailureRecord.ATTRIBUTE_NAME) + utf8Length(attribute.dataType())
                + utf8Length(attribute.stringValue());
    }

    private static int encodedLength(String value) {
        return utf8Length(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @ParameterizedTest(name = "missing {0}")
    @CsvSource({"attempts", "originQueueUrl", "originalMessageId", "firstFailureAt", "lastFailureAt", "errorClass",
            "kind"})
    void aMissingRequiredFieldIsNamed(String field) {
        String encoded = withoutField(minimal().encode(), field);

        assertThatThrownBy(() -> FailureRecord.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(FailureRecord.ATTRIBUTE_NAME)
                .hasMessageContaining("field " + field + " is missing");
    }

    @Test
    void tierAndErrorMessageAreOptionalWhenDecoding() {
        String encoded = withoutField(withoutField(minimal().encode(), "tier"), "errorMessage");

        FailureRecord decoded = FailureRecord.decode(encoded);

        assertThat(decoded.tier()).isZero();
        assertThat(decoded.errorMessage()).isEmpty();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "attempts, three",
            "tier, first",
            "kind, MAYBE",
            "firstFailureAt, yesterday",
            "lastFailureAt, 2024-13-45",
            "notBefore, soon",
            "deadLetterReason, BORED",
            "deadLetteredAt, never"})
    void aMalformedValueIsRejectedNamingItsField(String field, String value) {
        String encoded = withField(full().encode(), field, value);

        assertThatThrownBy(() -> FailureRecord.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(FailureRecord.ATTRIBUTE_NAME)
                .hasMessageContaining(field);
    }

    @Test
    void aFieldWithoutAValueIsRejectedNamingIt() {
        assertThatThrownBy(() -> FailureRecord.decode(minimal().encode() + "&attemptsx"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(FailureRecord.ATTRIBUTE_NAME + " has a field without a value: attemptsx");
    }

    @Test
    void aMalformedAttributeOnAMessageIsRejected() {
        Map<String, MessageAttributeValue> attributes = Map.of(FailureRecord.ATTRIBUTE_NAME,
                MessageAttributeValue.builder().dataType("String").stringValue("attempts=1").build());

        assertThatThrownBy(() -> FailureRecord.of(attributes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is missing");
    }

    private static String withoutField(String encoded, String field) {
        StringBuilder kept = new StringBuilder();
        for (String pair : encoded.split("&")) {
            if (!pair.startsWith(field + "=")) {
                kept.append(kept.length() > 0 ? "&" : "").append(pair);
            }
        }
        return kept.toString();
    }

    private static String withField(String encoded, String field, String value) {
        return withoutField(encoded, field) + "&" + field + "=" + value;
    }
}
