package io.github.sqsreliable.internal.settle;

import io.github.sqsreliable.internal.sqs.MessageSize;
import io.github.sqsreliable.observe.ConsumerEvent.FailureRecordForm;
import io.github.sqsreliable.retry.FailureRecord;

/**
 * Chooses the largest form of the failure record that lets a moved copy fit its target's size limit: the whole
 * record, then the record with its error message shortened, then only its essential fields (no error class or
 * message), then no record at all. Pure: sizes in, choice out.
 */
final class RecordFitter {

    /** What a cut error message ends with, so that a reader can tell it was cut. */
    static final String ELLIPSIS = "…";

    private RecordFitter() {
    }

    /**
     * A copy's chosen form.
     *
     * @param record the record to attach, or null for none
     * @param form which form that is
     * @param size the copy's size with it, in bytes
     */
    record Fit(FailureRecord record, FailureRecordForm form, long size) {
    }

    /**
     * @param baseSize the copy's size without any failure record (body and the other attributes)
     * @param record the whole record the move asked for, or null when the message has no room for one
     * @param limit the target's maximum message size
     * @param smallestTried the size of a copy the target already refused as too large, or
     *     {@link Long#MAX_VALUE}: only a strictly smaller copy is chosen
     * @return the largest fitting form, or null if not even the copy without a record fits
     */
    static Fit fit(long baseSize, FailureRecord record, long limit, long smallestTried) {
        long ceiling = Math.min(limit, smallestTried - 1);
        if (record == null) {
            return baseSize <= ceiling ? new Fit(null, FailureRecordForm.DROPPED_FOR_ATTRIBUTE_COUNT, baseSize) : null;
        }
        long full = baseSize + sizeOf(record);
        if (full <= ceiling) {
            return new Fit(record, FailureRecordForm.FULL, full);
        }
        if (!record.errorMessage().isEmpty()) {
            Fit shortened = shortenErrorMessage(baseSize, record, ceiling);
            if (shortened != null) {
                return shortened;
            }
        }
        FailureRecord essential = essential(record);
        long essentialSize = baseSize + sizeOf(essential);
        if (essentialSize <= ceiling) {
            return new Fit(essential, FailureRecordForm.ESSENTIAL_FIELDS, essentialSize);
        }
        return baseSize <= ceiling ? new Fit(null, FailureRecordForm.DROPPED_FOR_SIZE, baseSize) : null;
    }

    /** @return what the record adds to a message: its attribute's name, data type and value */
    static long sizeOf(FailureRecord record) {
        return MessageSize.utf8Length(FailureRecord.ATTRIBUTE_NAME) + MessageSize.utf8Length("String")
                + MessageSize.utf8Length(record.encode());
    }

    /**
     * The record without the error's class and message, the two fields whose length the library does not bound
     * by itself (besides the queue URL and message id, which a copy needs to be traced and redriven).
     */
    static FailureRecord essential(FailureRecord record) {
        return new FailureRecord(record.attempts(), record.tier(), record.originQueueUrl(),
                record.originalMessageId(), record.firstFailureAt(), record.lastFailureAt(), "", "", record.kind(),
                record.notBefore(), record.deadLetterReason(), record.deadLetteredAt());
    }

    /** The longest prefix of the error message, ending with an ellipsis, that fits; null if not even the ellipsis. */
    private static Fit shortenErrorMessage(long baseSize, FailureRecord record, long ceiling) {
        String message = record.errorMessage();
        int low = 0; // a prefix of this many chars is known to fit, once `best` is set
        int high = message.length() - 1; // the whole message is known not to fit
        Fit best = null;
        // Binary search: the encoded size grows with the prefix.
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int cut = mid > 0 && Character.isHighSurrogate(message.charAt(mid - 1)) ? mid - 1 : mid;
            FailureRecord candidate = withErrorMessage(record, message.substring(0, cut) + ELLIPSIS);
            long size = baseSize + sizeOf(candidate);
            if (size <= ceiling) {
                best = new Fit(candidate, FailureRecordForm.SHORTENED_ERROR_MESSAGE, size);
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return best;
    }

    private static FailureRecord withErrorMessage(FailureRecord record, String errorMessage) {
        return new FailureRecord(record.attempts(), record.tier(), record.originQueueUrl(),
                record.originalMessageId(), record.firstFailureAt(), record.lastFailureAt(), record.errorClass(),
                errorMessage, record.kind(), record.notBefore(), record.deadLetterReason(), record.deadLetteredAt());
    }
}
