package io.github.sqsreliable.internal.payload;

import io.github.sqsreliable.BatchHandler;
import io.github.sqsreliable.BatchResult;
import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.chain.ChainHandler;
import io.github.sqsreliable.chain.NextMessages;
import io.github.sqsreliable.chain.PayloadChainHandler;
import io.github.sqsreliable.internal.sns.SnsEnvelopes;
import io.github.sqsreliable.payload.JsonPayloads;
import io.github.sqsreliable.payload.MalformedPayloadException;
import io.github.sqsreliable.payload.Payload;
import io.github.sqsreliable.payload.PayloadBatchHandler;
import io.github.sqsreliable.payload.PayloadHandler;
import io.github.sqsreliable.payload.PayloadReader;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Turns what a builder was given into the plain {@link MessageHandler} or {@link BatchHandler} the pipeline runs:
 * a typed handler reads each body with the {@link PayloadReader}, and with SNS envelopes on every kind of handler
 * first unwraps each message. A typed handler's reader may be set after the handler, so the typed setters store a
 * {@link Typed} or {@link TypedBatch} placeholder in the builder's handler field and {@link #resolve} binds it when the
 * builder builds; the builder's own checks (one handler, not both kinds) then cover typed handlers too.
 */
public final class PayloadHandlers {

    private PayloadHandlers() {
    }

    /**
     * A typed handler not yet bound to its reader; never run.
     *
     * @param type what to read bodies as
     * @param handler the user's handler
     * @param <T> the payload type
     */
    public record Typed<T>(Class<T> type, PayloadHandler<? super T> handler) implements MessageHandler {
        @Override
        public void handle(SqsMessage message) {
            throw new IllegalStateException("a typed handler runs only once its builder has bound it to a reader");
        }
    }

    /**
     * A typed batch handler not yet bound to its reader; never run.
     *
     * @param type what to read bodies as
     * @param handler the user's handler
     * @param <T> the payload type
     */
    public record TypedBatch<T>(Class<T> type, PayloadBatchHandler<T> handler) implements BatchHandler {
        @Override
        public BatchResult handle(List<SqsMessage> messages) {
            throw new IllegalStateException("a typed handler runs only once its builder has bound it to a reader");
        }
    }

    /**
     * A typed chain handler not yet bound to its reader; never run.
     *
     * @param type what to read input bodies as
     * @param handler the user's handler
     * @param <T> the payload type
     */
    public record TypedChain<T>(Class<T> type, PayloadChainHandler<? super T> handler) implements ChainHandler {
        @Override
        public void handle(SqsMessage message, NextMessages next) {
            throw new IllegalStateException("a typed handler runs only once its builder has bound it to a reader");
        }
    }

    /**
     * The handler the pipeline runs, or the chain handler a chain step is to run.
     *
     * @param handler the single-message handler, or null
     * @param batchHandler the batch handler, or null
     * @param chainHandler the chain handler, or null
     * @param userHandler the object the user gave (to register it as a listener if it is one)
     */
    public record Resolved(MessageHandler handler, BatchHandler batchHandler, ChainHandler chainHandler,
                           Object userHandler) {
    }

    /**
     * @param type what to read bodies as
     * @param handler the user's handler
     * @param <T> the payload type
     * @return the placeholder to keep in the builder's {@code handler} field
     */
    public static <T> MessageHandler typed(Class<T> type, PayloadHandler<? super T> handler) {
        return new Typed<>(type, handler);
    }

    /**
     * @param type what to read bodies as
     * @param handler the user's handler
     * @param <T> the payload type
     * @return the placeholder to keep in the builder's {@code batchHandler} field
     */
    public static <T> BatchHandler typedBatch(Class<T> type, PayloadBatchHandler<T> handler) {
        return new TypedBatch<>(type, handler);
    }

    /**
     * @param type what to read input bodies as
     * @param handler the user's handler
     * @param <T> the payload type
     * @return the placeholder to keep in the builder's {@code chainHandler} field
     */
    public static <T> ChainHandler typedChain(Class<T> type, PayloadChainHandler<? super T> handler) {
        return new TypedChain<>(type, handler);
    }

    /**
     * Validates the payload options and binds the handler.
     *
     * @param handler the builder's handler field, or null
     * @param batchHandler the builder's batch handler field, or null
     * @param chainHandler the builder's chain handler field, or null
     * @param payloadReader the reader set, or null
     * @param payloadReaderSet whether {@code payloadReader(...)} was called (null then is an error)
     * @param snsEnvelopes whether to unwrap SNS envelopes
     * @return the handlers to run
     * @throws InvalidConfigurationException naming the field it rejects
     */
    public static Resolved resolve(MessageHandler handler, BatchHandler batchHandler, ChainHandler chainHandler,
                                   PayloadReader payloadReader, boolean payloadReaderSet, boolean snsEnvelopes) {
        return resolve(handler, batchHandler, chainHandler, payloadReader, payloadReaderSet, snsEnvelopes,
                JacksonPresence.present());
    }

    /**
     * As {@link #resolve(MessageHandler, BatchHandler, ChainHandler, PayloadReader, boolean, boolean)} without a chain
     * handler.
     *
     * @param handler the builder's handler field, or null
     * @param batchHandler the builder's batch handler field, or null
     * @param payloadReader the reader set, or null
     * @param payloadReaderSet whether {@code payloadReader(...)} was called
     * @param snsEnvelopes whether to unwrap SNS envelopes
     * @return the handlers to run
     */
    public static Resolved resolve(MessageHandler handler, BatchHandler batchHandler, PayloadReader payloadReader,
                                   boolean payloadReaderSet, boolean snsEnvelopes) {
        return resolve(handler, batchHandler, null, payloadReader, payloadReaderSet, snsEnvelopes);
    }

    static Resolved resolve(MessageHandler handler, BatchHandler batchHandler, PayloadReader payloadReader,
                            boolean payloadReaderSet, boolean snsEnvelopes, boolean jackson) {
        return resolve(handler, batchHandler, null, payloadReader, payloadReaderSet, snsEnvelopes, jackson);
    }

    static Resolved resolve(MessageHandler handler, BatchHandler batchHandler, ChainHandler chainHandler,
                            PayloadReader payloadReader, boolean payloadReaderSet, boolean snsEnvelopes,
                            boolean jackson) {
        boolean typed = handler instanceof Typed<?> || batchHandler instanceof TypedBatch<?>
                || chainHandler instanceof TypedChain<?>;
        if (chainHandler instanceof TypedChain<?> t) {
            require(t.type() != null, "chainHandler", "type must not be null");
            require(t.handler() != null, "chainHandler", "must not be null");
        }
        if (handler instanceof Typed<?> t) {
            require(t.type() != null, "handler", "type must not be null");
            require(t.handler() != null, "handler", "must not be null");
        }
        if (batchHandler instanceof TypedBatch<?> t) {
            require(t.type() != null, "batchHandler", "type must not be null");
            require(t.handler() != null, "batchHandler", "must not be null");
        }
        require(!payloadReaderSet || payloadReader != null, "payloadReader",
                "must not be null (leave it unset for JsonPayloads.create())");
        require(!payloadReaderSet || typed, "payloadReader", "is set, but no handler reads payloads: use "
                + "handler(Class, PayloadHandler), batchHandler(Class, PayloadBatchHandler) or chainHandler(Class, "
                + "PayloadChainHandler)");
        require(!typed || payloadReaderSet || jackson, "payloadReader", "must be set: typed handlers read JSON with "
                + "jackson-databind by default, which is not on the class path; " + JacksonPresence.ADD_JACKSON
                + ", or set a PayloadReader of your own");
        require(!snsEnvelopes || jackson, "snsEnvelopes", "needs jackson-databind to read SNS envelopes, which is not "
                + "on the class path; " + JacksonPresence.ADD_JACKSON);
        UnaryOperator<SqsMessage> unwrap = snsEnvelopes ? SnsEnvelopes::unwrap : UnaryOperator.identity();
        PayloadReader reader = !typed ? null : payloadReaderSet ? payloadReader : JsonPayloads.create();
        if (chainHandler instanceof TypedChain<?> t) {
            return new Resolved(handler, batchHandler, bind(t, reader, unwrap), t.handler());
        }
        if (chainHandler != null) {
            ChainHandler chain = !snsEnvelopes ? chainHandler
                    : (message, next) -> chainHandler.handle(unwrap.apply(message), next);
            return new Resolved(handler, batchHandler, chain, chainHandler);
        }
        if (handler instanceof Typed<?> t) {
            return new Resolved(bind(t, reader, unwrap), null, null, t.handler());
        }
        if (batchHandler instanceof TypedBatch<?> t) {
            return new Resolved(null, bind(t, reader, unwrap), null, t.handler());
        }
        if (!snsEnvelopes) {
            return new Resolved(handler, batchHandler, null, handler != null ? handler : batchHandler);
        }
        if (handler != null) {
            return new Resolved(message -> handler.handle(unwrap.apply(message)), null, null, handler);
        }
        return new Resolved(null, new PreparingBatchHandler<>(unwrap::apply, message -> message, batchHandler::handle),
                null, batchHandler);
    }

    private static <T> MessageHandler bind(Typed<T> typed, PayloadReader reader, UnaryOperator<SqsMessage> unwrap) {
        Class<T> type = typed.type();
        PayloadHandler<? super T> handler = typed.handler();
        return message -> {
            SqsMessage unwrapped = unwrap.apply(message);
            handler.handle(read(reader, unwrapped, type), unwrapped);
        };
    }

    private static <T> ChainHandler bind(TypedChain<T> typed, PayloadReader reader, UnaryOperator<SqsMessage> unwrap) {
        Class<T> type = typed.type();
        PayloadChainHandler<? super T> handler = typed.handler();
        return (message, next) -> {
            SqsMessage unwrapped = unwrap.apply(message);
            handler.handle(read(reader, unwrapped, type), unwrapped, next);
        };
    }

    private static <T> BatchHandler bind(TypedBatch<T> typed, PayloadReader reader, UnaryOperator<SqsMessage> unwrap) {
        Class<T> type = typed.type();
        return new PreparingBatchHandler<Payload<T>>(message -> {
            SqsMessage unwrapped = unwrap.apply(message);
            return new Payload<>(read(reader, unwrapped, type), unwrapped);
        }, Payload::message, typed.handler()::handle);
    }

    private static <T> T read(PayloadReader reader, SqsMessage message, Class<T> type) {
        T value = reader.read(message.body(), type);
        if (value == null) {
            throw new MalformedPayloadException("malformed payload for " + type.getName()
                    + ": the payload reader returned no value");
        }
        return value;
    }

    private static void require(boolean condition, String field, String problem) {
        if (!condition) {
            throw InvalidConfigurationException.of(field, problem);
        }
    }
}
