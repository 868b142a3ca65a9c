package io.github.sqsreliable.internal.chain;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.chain.ChainHandler;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.publish.SqsPublisher;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** What the consumer and Lambda builders call to turn a chain handler into the handler they run. */
public final class ChainSteps {

    private ChainSteps() {
    }

    /**
     * @param handler the builder's plain handler, or null
     * @param chainHandler the builder's chain handler, or null
     * @param publisher the publisher the builder was given (not closed by the step), or null for one the step creates
     *     on the first output and closes when the consumer closes
     * @param sqsClient the client such a publisher sends with; asked on the first output only
     * @param tracing hands each handler's trace context on to its outputs
     * @param name the consumer's name, for the publisher's thread, or null
     * @return {@code handler} when no chain handler is set, else the chain step to run as the handler
     * @throws InvalidConfigurationException if both handlers are set, or a publisher without a chain handler
     */
    public static MessageHandler handler(MessageHandler handler, ChainHandler chainHandler, SqsPublisher publisher,
                                         Supplier<SqsAsyncClient> sqsClient, MessageTracing tracing, String name) {
        if (chainHandler == null) {
            if (publisher != null) {
                throw InvalidConfigurationException.of("publisher", "is used only by a chainHandler, and none is set");
            }
            return handler;
        }
        if (handler != null) {
            throw InvalidConfigurationException.of("chainHandler",
                    "must not be set together with handler: choose one");
        }
        if (publisher != null) {
            return new ChainStep(chainHandler, () -> publisher, false);
        }
        String publisherName = (name != null ? name : "chain") + "-outputs";
        return new ChainStep(chainHandler, () -> SqsPublisher.builder()
                .sqsClient(sqsClient.get())
                .name(publisherName.length() <= 80 ? publisherName : publisherName.substring(0, 80))
                .tracing(tracing)
                .build(), true);
    }
}
