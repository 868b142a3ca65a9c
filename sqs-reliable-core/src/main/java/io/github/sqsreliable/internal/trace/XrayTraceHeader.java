package io.github.sqsreliable.internal.trace;

import java.util.Locale;
import java.util.Optional;

/**
 * The X-Ray trace header SQS carries in the {@code AWSTraceHeader} system attribute, e.g.
 * {@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1}: parsed into the 32 hex digits
 * of a W3C trace id (the root's time and random parts), the 16 of the parent span id, and the sampling decision; and
 * written back. Needs no OpenTelemetry class.
 *
 * <p>Parsing is lenient where X-Ray is (keys in any case, fields in any order, unknown fields such as
 * {@code Lineage} ignored, hex digits in either case) and strict where a wrong value would corrupt a trace: a root
 * that is not version 1 with 8 and 24 hex digits, a parent that is not 16 hex digits, all-zero ids, or a header
 * without a root or a parent, give no header at all.
 *
 * @param traceId 32 lowercase hex digits
 * @param spanId 16 lowercase hex digits
 * @param sampled whether {@code Sampled=1}; anything else ({@code 0}, {@code ?}, absent) is not sampled
 */
public record XrayTraceHeader(String traceId, String spanId, boolean sampled) {

    /** The longest header read; SQS allows 1,024 bytes for a system attribute. */
    static final int MAX_LENGTH = 1024;

    /**
     * @param header the attribute's value, possibly {@code null}
     * @return the header, or empty when there is none or it is malformed
     */
    public static Optional<XrayTraceHeader> parse(String header) {
        if (header == null || header.isEmpty() || header.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String root = null;
        String parent = null;
        boolean sampled = false;
        for (String field : header.split(";")) {
            int equals = field.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String key = field.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String value = field.substring(equals + 1).trim();
            switch (key) {
                case "root" -> root = value;
                case "parent" -> parent = value;
                case "sampled" -> sampled = value.equals("1");
                default -> { }
            }
        }
        if (root == null || parent == null) {
            return Optional.empty();
        }
        // 1-<8 hex: epoch seconds>-<24 hex: random>
        if (root.length() != 35 || root.charAt(0) != '1' || root.charAt(1) != '-' || root.charAt(10) != '-') {
            return Optional.empty();
        }
        String traceId = (root.substring(2, 10) + root.substring(11)).toLowerCase(Locale.ROOT);
        String spanId = parent.toLowerCase(Locale.ROOT);
        if (!isHex(traceId, 32) || !isHex(spanId, 16)) {
            return Optional.empty();
        }
        return Optional.of(new XrayTraceHeader(traceId, spanId, sampled));
    }

    /** @return the header in X-Ray's format, as SQS accepts it in {@code AWSTraceHeader} */
    public String format() {
        return "Root=1-" + traceId.substring(0, 8) + "-" + traceId.substring(8) + ";Parent=" + spanId + ";Sampled="
                + (sampled ? "1" : "0");
    }

    /** @return whether {@code text} is {@code length} lowercase hex digits, not all zero */
    private static boolean isHex(String text, int length) {
        if (text.length() != length) {
            return false;
        }
        boolean nonZero = false;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }
}
