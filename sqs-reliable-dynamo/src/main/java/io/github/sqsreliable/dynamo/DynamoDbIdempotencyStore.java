package io.github.sqsreliable.dynamo;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.dynamo.internal.ItemLayout;
import io.github.sqsreliable.dynamo.internal.StoreOperations;
import io.github.sqsreliable.dynamo.internal.TableCreator;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * An {@link IdempotencyStore} on Amazon DynamoDB, for consumers on any number of hosts. Each key is one item; every
 * change is one conditional write, so exactly one of several consumers racing for a key gets it.
 *
 * <pre>{@code
 * DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.create();
 * DynamoDbIdempotencyStore.createTable(dynamo, "orders-idempotency").join(); // once, or with your IaC tool
 *
 * SqsConsumer.builder()
 *         ...
 *         .idempotency(Idempotency.builder()
 *                 .store(DynamoDbIdempotencyStore.builder()
 *                         .client(dynamo)
 *                         .tableName("orders-idempotency")
 *                         .build())
 *                 .build())
 * }</pre>
 *
 * <h2>The table</h2>
 * A partition key {@code id} of type S and no sort key; TTL enabled on {@code ttl}. {@link #createTable} creates
 * it. Each item holds:
 * <table>
 *   <caption>Attributes of an item (default names)</caption>
 *   <tr><th>attribute</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@code id}</td><td>S</td><td>the key, as the consumer hashed it</td></tr>
 *   <tr><td>{@code status}</td><td>S</td><td>{@code IN_PROGRESS} or {@code COMPLETED}</td></tr>
 *   <tr><td>{@code token}</td><td>S</td><td>the fencing token of the current acquisition</td></tr>
 *   <tr><td>{@code expiresAt}</td><td>N</td><td>when the lease or the completed record expires, epoch
 *       milliseconds: the only expiry the store acts on</td></tr>
 *   <tr><td>{@code ttl}</td><td>N</td><td>{@code expiresAt} in epoch seconds, rounded up, plus
 *       {@link Builder#ttlMargin(Duration) ttlMargin}: when DynamoDB may delete the item</td></tr>
 *   <tr><td>{@code payloadHash}</td><td>S</td><td>the payload hash given at acquisition; absent when none</td></tr>
 * </table>
 *
 * <h2>Requests</h2>
 * Acquiring one key is one conditional {@code PutItem}. Acquiring several (the consumer asks for one receive's
 * keys at once) is one {@code BatchGetItem}, which answers keys already completed without writing, then one
 * conditional {@code PutItem} per other key, all in flight at once. A refused put returns the item it
 * found ({@code ReturnValuesOnConditionCheckFailure.ALL_OLD}), so learning who holds a key costs no extra read.
 * Complete and renew are a conditional {@code UpdateItem}, release a conditional {@code DeleteItem}; they answer
 * {@code false} when the token no longer holds the key. Completing several keys ({@link #completeAll}, as the
 * consumer does for the messages handled in the last few milliseconds) sends one conditional {@code UpdateItem}
 * per key, all at once: DynamoDB has no conditional batch write but the all-or-nothing {@code TransactWriteItems},
 * where one key taken over by another consumer would cancel the others' completions. Any other failure of the SDK (throttling after the
 * client's retries, a network error, a missing table, a denied permission) fails the returned future, which the
 * consumer treats as the store being unavailable.
 *
 * <h2>Clocks</h2>
 * DynamoDB has no clock in condition expressions: whether a lease or a completed record has expired is decided
 * by the {@link Builder#clock(Clock) clock} of the process that writes. With hosts whose clocks differ by
 * {@code d}, a host running ahead takes over an expired lease up to {@code d} early, and sees a completed record
 * expire up to {@code d} early; a host running behind waits {@code d} longer. Keep clocks synchronised (NTP,
 * Amazon Time Sync) so that {@code d} is far below the lease (the consumer's visibility timeout) and the
 * idempotency TTL. DynamoDB's own TTL deletion uses AWS's clock, hence the {@link Builder#ttlMargin margin}.
 *
 * <p>Thread-safe; never blocks: every method returns a future completed on the SDK's threads. The client is the
 * caller's: the store never closes it, and has nothing of its own to close.
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

    /** Default {@link Builder#keyAttribute(String)}: {@value}. */
    public static final String DEFAULT_KEY_ATTRIBUTE = "id";
    /** Default {@link Builder#statusAttribute(String)}: {@value}. */
    public static final String DEFAULT_STATUS_ATTRIBUTE = "status";
    /** Default {@link Builder#tokenAttribute(String)}: {@value}. */
    public static final String DEFAULT_TOKEN_ATTRIBUTE = "token";
    /** Default {@link Builder#expiresAtAttribute(String)}: {@value}. */
    public static final String DEFAULT_EXPIRES_AT_ATTRIBUTE = "expiresAt";
    /** Default {@link Builder#ttlAttribute(String)}: {@value}. */
    public static final String DEFAULT_TTL_ATTRIBUTE = "ttl";
    /** Default {@link Builder#payloadHashAttribute(String)}: {@value}. */
    public static final String DEFAULT_PAYLOAD_HASH_ATTRIBUTE = "payloadHash";
    /** Default {@link Builder#ttlMargin(Duration)}: 10 minutes. */
    public static final Duration DEFAULT_TTL_MARGIN = Duration.ofMinutes(10);

    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    private static final int MAX_TABLE_ARN_LENGTH = 1024;
    private static final int MAX_ATTRIBUTE_NAME_LENGTH = 255;
    private static final Duration MAX_TTL_MARGIN = Duration.ofDays(365);

    private final Builder config;
    private final StoreOperations operations;
    private final TableCreator tableCreator;

    private DynamoDbIdempotencyStore(Builder builder) {
        this.config = builder.copy();
        ItemLayout layout = new ItemLayout(builder.tableName, builder.keyAttribute, builder.statusAttribute,
                builder.tokenAttribute, builder.expiresAtAttribute, builder.ttlAttribute,
                builder.payloadHashAttribute);
        this.operations = new StoreOperations(builder.client, layout, builder.consistentReads, builder.ttlMargin,
                builder.clock);
        this.tableCreator = new TableCreator(builder.client, layout);
    }

    /** @return a builder; {@link Builder#client} and {@link Builder#tableName} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this store's configuration */
    public Builder toBuilder() {
        return config.copy();
    }

    /**
     * Creates a table for a store with the default attribute names, if it does not exist; see
     * {@link #createTable()}.
     *
     * @param client the client to use; not closed
     * @param tableName the table's name
     * @return completes when the table is {@code ACTIVE} with TTL enabled on {@value #DEFAULT_TTL_ATTRIBUTE}
     * @throws InvalidConfigurationException if the client is null or the name is not a valid table name
     */
    public static CompletableFuture<Void> createTable(DynamoDbAsyncClient client, String tableName) {
        return builder().client(client).tableName(tableName).build().createTable();
    }

    /**
     * Makes this store's table ready, step by step, each step skipped when already done: creates it if it does
     * not exist (partition key {@link Builder#keyAttribute keyAttribute} of type S, no sort key, on-demand
     * capacity), waits until it is {@code ACTIVE} (up to 10 minutes), checks its key schema, and enables TTL on
     * {@link Builder#ttlAttribute ttlAttribute}. Safe to run at every start-up, from several processes at once.
     * Needs {@code dynamodb:DescribeTable} and {@code dynamodb:DescribeTimeToLive}, plus
     * {@code dynamodb:CreateTable} and {@code dynamodb:UpdateTimeToLive} when there is something to do. For
     * tests and simple set-ups: production tables are better declared with your infrastructure-as-code tool.
     *
     * @return completes when the table is ready; fails if it has another key schema, if TTL is enabled on another
     *     attribute, or if the SDK fails
     */
    public CompletableFuture<Void> createTable() {
        return tableCreator.createTable();
    }

    /**
     * The transactional mode: a consumer handler that runs {@code handler}, then sends the writes it added in one
     * {@code TransactWriteItems} together with the completion of the message's idempotency record. After the
     * commit the writes and the completed record exist together; if the handler throws, the transaction is
     * cancelled, or the process crashes first, neither does: a redelivery can never apply the writes twice. The
     * record is completed only while it still carries this delivery's fencing token (a lease that ran out with
     * nobody taking the key over still commits); a delivery whose key was taken over writes nothing and fails with
     * a {@link io.github.sqsreliable.idempotency.KeyTakenOverException} (a transient failure).
     *
     * <p>Use it as the consumer's (or Lambda function's) single-message handler, with this store as its
     * idempotency store; {@code build()} rejects anything else. The consumer then deletes a handled message
     * without a second store call. The transaction is sent with this store's client, so the handler's tables must
     * be in its account and region. Limits and failures: see {@link DynamoDbTransaction} and
     * {@link DynamoDbTransactionCanceledException}; {@code docs/idempotency-dynamodb-transactional.md}.
     *
     * <pre>{@code
     * SqsConsumer.builder()
     *         .idempotency(Idempotency.builder().store(store).build())
     *         .handler(store.transactional((message, transaction) -> {
     *             Order order = Order.parse(message.body());
     *             transaction.put(Put.builder()
     *                     .tableName("orders")
     *                     .item(order.toItem())
     *                     .build());
     *         }))
     * }</pre>
     *
     * @param handler adds the message's writes to the transaction
     * @return the handler to give the consumer
     */
    public KeyCompletingHandler transactional(DynamoDbTransactionalHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return operations.transactional(this, handler);
    }

    @Override
    public CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> requests) {
        return operations.acquire(requests);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive
     */
    @Override
    public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
        return operations.complete(key, token, ttl);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One conditional {@code UpdateItem} per key, all in flight at once.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive
     */
    @Override
    public CompletableFuture<List<Boolean>> completeAll(List<CompleteRequest> requests, Duration ttl) {
        return operations.completeAll(requests, ttl);
    }

    @Override
    public CompletableFuture<Boolean> release(String key, FencingToken token) {
        return operations.release(key, token);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code lease} is not positive
     */
    @Override
    public CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease) {
        return operations.renew(key, token, lease);
    }

    @Override
    public String toString() {
        return "DynamoDbIdempotencyStore[tableName=" + config.tableName + "]";
    }

    /** Builds a {@link DynamoDbIdempotencyStore}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private DynamoDbAsyncClient client;
        private String tableName;
        private String keyAttribute = DEFAULT_KEY_ATTRIBUTE;
        private String statusAttribute = DEFAULT_STATUS_ATTRIBUTE;
        private String tokenAttribute = DEFAULT_TOKEN_ATTRIBUTE;
        private String expiresAtAttribute = DEFAULT_EXPIRES_AT_ATTRIBUTE;
        private String ttlAttribute = DEFAULT_TTL_ATTRIBUTE;
        private String payloadHashAttribute = DEFAULT_PAYLOAD_HASH_ATTRIBUTE;
        private Clock clock = Clock.systemUTC();
        private boolean consistentReads;
        private Duration ttlMargin = DEFAULT_TTL_MARGIN;

        private Builder() {
        }

        /**
         * @param client the client the store sends its requests with; required. The store never closes it. Its
         *     API call timeout and retry policy are the store's: set them to fit the consumer's store timeout
         * @return this builder
         */
        public Builder client(DynamoDbAsyncClient client) {
            this.client = client;
            return this;
        }

        /**
         * @param tableName the table's name (3 to 255 characters of {@code a-z A-Z 0-9 _ - .}) or ARN; required
         * @return this builder
         */
        public Builder tableName(String tableName) {
            this.tableName = tableName;
            return this;
        }

        /**
         * @param keyAttribute the partition key's name (type S); default {@value #DEFAULT_KEY_ATTRIBUTE}
         * @return this builder
         */
        public Builder keyAttribute(String keyAttribute) {
            this.keyAttribute = keyAttribute;
            return this;
        }

        /**
         * @param statusAttribute the status attribute's name; default {@value #DEFAULT_STATUS_ATTRIBUTE}
         * @return this builder
         */
        public Builder statusAttribute(String statusAttribute) {
            this.statusAttribute = statusAttribute;
            return this;
        }

        /**
         * @param tokenAttribute the fencing token attribute's name; default {@value #DEFAULT_TOKEN_ATTRIBUTE}
         * @return this builder
         */
        public Builder tokenAttribute(String tokenAttribute) {
            this.tokenAttribute = tokenAttribute;
            return this;
        }

        /**
         * @param expiresAtAttribute the name of the attribute holding the expiry in epoch milliseconds; default
         *     {@value #DEFAULT_EXPIRES_AT_ATTRIBUTE}
         * @return this builder
         */
        public Builder expiresAtAttribute(String expiresAtAttribute) {
            this.expiresAtAttribute = expiresAtAttribute;
            return this;
        }

        /**
         * @param ttlAttribute the name of the attribute holding DynamoDB's TTL in epoch seconds, which must be
         *     the table's TTL attribute; default {@value #DEFAULT_TTL_ATTRIBUTE}
         * @return this builder
         */
        public Builder ttlAttribute(String ttlAttribute) {
            this.ttlAttribute = ttlAttribute;
            return this;
        }

        /**
         * @param payloadHashAttribute the payload hash attribute's name; default
         *     {@value #DEFAULT_PAYLOAD_HASH_ATTRIBUTE}
         * @return this builder
         */
        public Builder payloadHashAttribute(String payloadHashAttribute) {
            this.payloadHashAttribute = payloadHashAttribute;
            return this;
        }

        /**
         * @param clock the time source for leases, expiry and the conditions of writes; default
         *     {@link Clock#systemUTC()}. For tests; see the class comment on clock skew
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * @param consistentReads true to make the batch read that finds completed keys strongly consistent (twice
         *     the read capacity); default false. An eventually consistent read can miss a key completed a moment
         *     ago, which then costs one conditional write instead of none: never a wrong answer, because the
         *     write decides
         * @return this builder
         */
        public Builder consistentReads(boolean consistentReads) {
            this.consistentReads = consistentReads;
            return this;
        }

        /**
         * @param ttlMargin how long after a record expires DynamoDB's TTL may delete it; PT0S to P365D; default
         *     10 minutes. Expiry is decided by {@code expiresAt}, so the margin only protects records from a
         *     deletion that AWS's clock would start before this process's clock says they expired
         * @return this builder
         */
        public Builder ttlMargin(Duration ttlMargin) {
            this.ttlMargin = ttlMargin;
            return this;
        }

        /**
         * @return the store
         * @throws InvalidConfigurationException naming the rejected field
         */
        public DynamoDbIdempotencyStore build() {
            if (client == null) {
                throw InvalidConfigurationException.of("client", "must be set");
            }
            if (tableName == null) {
                throw InvalidConfigurationException.of("tableName", "must be set");
            }
            if (!TABLE_NAME.matcher(tableName).matches()
                    && !(tableName.startsWith("arn:") && tableName.length() <= MAX_TABLE_ARN_LENGTH)) {
                throw InvalidConfigurationException.of("tableName", "(" + tableName + ") must be 3 to 255 "
                        + "characters of a-z, A-Z, 0-9, '_', '-' and '.', or a table ARN");
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("keyAttribute", keyAttribute);
            attributes.put("statusAttribute", statusAttribute);
            attributes.put("tokenAttribute", tokenAttribute);
            attributes.put("expiresAtAttribute", expiresAtAttribute);
            attributes.put("ttlAttribute", ttlAttribute);
            attributes.put("payloadHashAttribute", payloadHashAttribute);
            Map<String, String> fieldByName = new LinkedHashMap<>();
            for (Map.Entry<String, String> attribute : attributes.entrySet()) {
                String field = attribute.getKey();
                String name = attribute.getValue();
                if (name == null || name.isBlank() || name.length() > MAX_ATTRIBUTE_NAME_LENGTH) {
                    throw InvalidConfigurationException.of(field, "(" + name + ") must be 1 to "
                            + MAX_ATTRIBUTE_NAME_LENGTH + " characters and not blank");
                }
                String sameName = fieldByName.putIfAbsent(name, field);
                if (sameName != null) {
                    throw InvalidConfigurationException.of(field, "(" + name + ") must differ from " + sameName
                            + " (" + name + ")");
                }
            }
            if (clock == null) {
                throw InvalidConfigurationException.of("clock", "must not be null");
            }
            if (ttlMargin == null || ttlMargin.isNegative() || ttlMargin.compareTo(MAX_TTL_MARGIN) > 0) {
                throw InvalidConfigurationException.of("ttlMargin", "(" + ttlMargin
                        + ") must be between PT0S and P365D");
            }
            return new DynamoDbIdempotencyStore(this);
        }

        private Builder copy() {
            Builder copy = new Builder();
            copy.client = client;
            copy.tableName = tableName;
            copy.keyAttribute = keyAttribute;
            copy.statusAttribute = statusAttribute;
            copy.tokenAttribute = tokenAttribute;
            copy.expiresAtAttribute = expiresAtAttribute;
            copy.ttlAttribute = ttlAttribute;
            copy.payloadHashAttribute = payloadHashAttribute;
            copy.clock = clock;
            copy.consistentReads = consistentReads;
            copy.ttlMargin = ttlMargin;
            return copy;
        }
    }
}
