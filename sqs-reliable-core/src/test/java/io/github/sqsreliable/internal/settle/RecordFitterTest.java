package io.github.sqsreliable.internal.settle;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.observe.ConsumerEvent.FailureRecordForm;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link RecordFitter}: the largest form of the failure record that lets a copy fit its target. */
class RecordFitterTest {

    private static final long LIMIT = 4096;
    private static final Instant AT = Instant.parse("2024-05-01T10:15:30.123Z");

    private static FailureRecord record(String errorMessage) {
        return new FailureRecord(3, 0, "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                "5fea7756-0ea4-451a-a703-a558b933e274", AT, AT, "com.example.orders.DownstreamUnavailableException",
                errorMessage, FailureKind.PERMANENT, null, DeadLetterReason.PERMANENT_FAILURE, AT);
    }

    private static long sizeOf(FailureRecord record) {
        return FailureRecord.ATTRIBUTE_NAME.length() + "String".length()
                + record.encode().getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void theWholeRecordWhenItFitsExactly() {
        FailureRecord record = record("downstream is down");
        long base = LIMIT - sizeOf(record);

        RecordFitter.Fit fit = RecordFitter.fit(base, record, LIMIT, Long.MAX_VALUE);

        assertThat(fit.form()).isEqualTo(FailureRecordForm.FULL);
        assertThat(fit.record()).isEqualTo(record);
        assertThat(fit.size()).isEqualTo(LIMIT);
    }

    @Test
    void oneByteTooManyShortensTheErrorMessageAsLittleAsPossible() {
        FailureRecord record = record("downstream is down");
        long base = LIMIT - sizeOf(record) + 1;

        RecordFitter.Fit fit = RecordFitter.fit(base, record, LIMIT, Long.MAX_VALUE);

        assertThat(fit.form()).isEqualTo(FailureRecordForm.SHORTENED_ERROR_MESSAGE);
        // "…" is 9 bytes once encoded (%E2%80%A6): saving 1 byte cuts 10 one-byte characters
        assertThat(fit.record().errorMessage()).isEqualTo("downstre…");
        assertThat(fit.size()).isLessThanOrEqualTo(LIMIT).isEqualTo(base + sizeOf(fit.record()));
        assertThat(FailureRecord.decode(fit.record().encode())).isEqualTo(fit.record());
    }

    @Test
    void aMultiByteErrorMessageIsCutWithoutSplittingACharacterAndStillDecodes() {
        FailureRecord record = record("😀".repeat(64)); // 64 surrogate pairs, 12 bytes each once encoded
        long base = LIMIT - sizeOf(record) + 100;

        RecordFitter.Fit fit = RecordFitter.fit(base, record, LIMIT, Long.MAX_VALUE);

        assertThat(fit.form()).isEqualTo(FailureRecordForm.SHORTENED_ERROR_MESSAGE);
        String cut = fit.record().errorMessage();
        assertThat(cut).endsWith("…").startsWith("😀");
        assertThat(cut.substring(0, cut.length() - 1)).matches("(😀)+");
        assertThat(fit.size()).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT - 12 - 1);
        assertThat(FailureRecord.decode(fit.record().encode()).errorMessage()).isEqualTo(cut);
    }

    @Test
    void whenEvenTheEllipsisDoesNotFitOnlyTheEssentialFieldsAreKept() {
        FailureRecord record = record("downstream is down");
        FailureRecord essential = RecordFitter.essential(record);
        long base = LIMIT - sizeOf(essential);

        RecordFitter.Fit fit = RecordFitter.fit(base, record, LIMIT, Long.MAX_VALUE);

        assertThat(fit.form()).isEqualTo(FailureRecordForm.ESSENTIAL_FIELDS);
        assertThat(fit.size()).isEqualTo(LIMIT);
        FailureRecord decoded = FailureRecord.decode(fit.record().encode());
        assertThat(decoded.errorClass()).isEmpty();
        assertThat(decoded.errorMessage()).isEmpty();
        assertThat(decoded.attempts()).isEqualTo(3);
        assertThat(decoded.originQueueUrl()).isEqualTo(record.originQueueUrl());
        assertThat(decoded.originalMessageId()).isEqualTo(record.originalMessageId());
        assertThat(decoded.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
        assertThat(decoded.kind()).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void whenNotEvenTheEssentialFieldsFitTheCopyGoesWithoutARecord() {
        FailureRecord record = record("downstream is down");

        RecordFitter.Fit atTheLimit = RecordFitter.fit(LIMIT, record, LIMIT, Long.MAX_VALUE);
        RecordFitter.Fit oneByteUnder = RecordFitter.fit(LIMIT - 1, record, LIMIT, Long.MAX_VALUE);

        assertThat(atTheLimit.form()).isEqualTo(FailureRecordForm.DROPPED_FOR_SIZE);
        assertThat(atTheLimit.record()).isNull();
        assertThat(atTheLimit.size()).isEqualTo(LIMIT);
        assertThat(oneByteUnder.form()).isEqualTo(FailureRecordForm.DROPPED_FOR_SIZE);
        assertThat(oneByteUnder.size()).isEqualTo(LIMIT - 1);
    }

    @Test
    void aCopyTooLargeEvenWithoutARecordDoesNotFit() {
        assertThat(RecordFitter.fit(LIMIT + 1, record("x"), LIMIT, Long.MAX_VALUE)).isNull();
        assertThat(RecordFitter.fit(LIMIT + 1, null, LIMIT, Long.MAX_VALUE)).isNull();
    }

    @Test
    void withoutRoomForARecordTheCopyGoesWithoutOneIfItFits() {
        RecordFitter.Fit fit = RecordFitter.fit(LIMIT, null, LIMIT, Long.MAX_VALUE);

        assertThat(fit.form()).isEqualTo(FailureRecordForm.DROPPED_FOR_ATTRIBUTE_COUNT);
        assertThat(fit.record()).isNull();
    }

    @Test
    void afterARefusalOnlyAStrictlySmallerCopyIsChosen() {
        FailureRecord record = record("downstream is down");
        long base = 1000;
        RecordFitter.Fit first = RecordFitter.fit(base, record, LIMIT, Long.MAX_VALUE);

        RecordFitter.Fit second = RecordFitter.fit(base, record, LIMIT, first.size());
        RecordFitter.Fit third = RecordFitter.fit(base, record, LIMIT, second.size());

        assertThat(first.form()).isEqualTo(FailureRecordForm.FULL);
        assertThat(second.size()).isLessThan(first.size());
        assertThat(second.form()).isEqualTo(FailureRecordForm.SHORTENED_ERROR_MESSAGE);
        assertThat(third.size()).isLessThan(second.size());
    }

    @Test
    void anEmptyErrorMessageSkipsStraightToTheEssentialFields() {
        FailureRecord record = record("");
        long base = LIMIT - sizeOf(record) + 1;

        assertThat(RecordFitter.fit(base, record, LIMIT, Long.MAX_VALUE).form())
                .isEqualTo(FailureRecordForm.ESSENTIAL_FIELDS);
    }
}
