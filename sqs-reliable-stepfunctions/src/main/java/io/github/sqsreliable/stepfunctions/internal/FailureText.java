package io.github.sqsreliable.stepfunctions.internal;

import io.github.sqsreliable.retry.FailureRecord;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The {@code error} and {@code cause} of SendTaskFailure: bounded to Step Functions' limits, without control
 * characters, and never carrying the message body.
 */
public final class FailureText {

    /** SendTaskFailure's limit on {@code error}. */
    public static final int MAX_ERROR_LENGTH = 256;
    /** SendTaskFailure's limit on {@code cause}. */
    public static final int MAX_CAUSE_LENGTH = 32_768;
    /** What a body quoted in a failure's message is replaced with. */
    static final String BODY_PLACEHOLDER = "[message body]";
    /**
     * Shorter bodies are not looked for: a body such as {@code 42} or {@code ok} would match innocent words of the
     * message, and says little about the data.
     */
    static final int MIN_REDACTED_BODY_LENGTH = 8;

    private FailureText() {
    }

    /**
     * @param failure what the handler threw
     * @return the simple class name of the failure, looking through {@code CompletionException} and
     *     {@code ExecutionException}; the full name for an anonymous class
     */
    public static String error(Throwable failure) {
        Throwable shown = unwrap(failure);
        String name = shown.getClass().getSimpleName();
        return bound(name.isEmpty() ? shown.getClass().getName() : name, MAX_ERROR_LENGTH);
    }

    /**
     * @param what what happened to the message, e.g. {@code message 5fe... failed permanently}
     * @param failure what the handler threw
     * @param body the message body, replaced wherever the failure's message quotes it
     * @return {@code what: ClassName: message}, sanitized and bounded
     */
    public static String cause(String what, Throwable failure, String body) {
        Throwable shown = unwrap(failure);
        String message = shown.getMessage();
        if (message != null && body != null && body.length() >= MIN_REDACTED_BODY_LENGTH) {
            message = message.replace(body, BODY_PLACEHOLDER);
        }
        return bound(what + ": " + shown.getClass().getName() + (message == null ? "" : ": " + message),
                MAX_CAUSE_LENGTH);
    }

    /**
     * @param text any text
     * @param max the longest result
     * @return the text with each run of control characters and white space made one space, stripped, and cut to
     *     {@code max} characters ending with {@code …}, never inside a surrogate pair
     */
    static String bound(String text, int max) {
        return FailureRecord.sanitize(text, max);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable shown = failure;
        while ((shown instanceof CompletionException || shown instanceof ExecutionException)
                && shown.getCause() != null) {
            shown = shown.getCause();
        }
        return shown;
    }
}
