package io.github.sqsreliable.test.internal;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Context} of one emulated invocation: a random request id, the function's name, an ARN in the queue's
 * region and account, and the remaining time counting down from the function's timeout. Its logger writes to slf4j,
 * under the logger {@code io.github.sqsreliable.test.lambda.FUNCTION_NAME}. Not API.
 */
public final class EmulatedLambdaContext implements Context {

    /** What {@link #getMemoryLimitInMB()} reports; the emulator limits no memory. */
    static final int MEMORY_LIMIT_MB = 512;

    private final String requestId = UUID.randomUUID().toString();
    private final String functionName;
    private final String functionArn;
    private final long deadlineNanos;
    private final LambdaLogger logger;

    /**
     * @param functionName the function's name
     * @param region the region of the queue, and so of the function
     * @param account the account of the queue
     * @param timeout the function's timeout, from now
     */
    public EmulatedLambdaContext(String functionName, String region, String account, Duration timeout) {
        this.functionName = functionName;
        this.functionArn = "arn:aws:lambda:" + region + ":" + account + ":function:" + functionName;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.logger = new Slf4jLambdaLogger(LoggerFactory.getLogger("io.github.sqsreliable.test.lambda."
                + functionName));
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "sqs-event-source/[$LATEST]" + requestId.replace("-", "");
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return functionArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        long remaining = Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis();
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, remaining));
    }

    @Override
    public int getMemoryLimitInMB() {
        return MEMORY_LIMIT_MB;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    private record Slf4jLambdaLogger(Logger log) implements LambdaLogger {

        @Override
        public void log(String message) {
            log(message, LogLevel.INFO);
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8), LogLevel.INFO);
        }

        @Override
        public void log(byte[] message, LogLevel level) {
            log(new String(message, StandardCharsets.UTF_8), level);
        }

        @Override
        public void log(String message, LogLevel level) {
            // The runtime writes each call as one log event; a trailing newline adds nothing.
            String text = message == null ? "null" : message.stripTrailing();
            switch (level == null ? LogLevel.INFO : level) {
                case TRACE -> log.trace(text);
                case DEBUG -> log.debug(text);
                case WARN -> log.warn(text);
                case ERROR, FATAL -> log.error(text);
                default -> log.info(text);
            }
        }
    }
}
