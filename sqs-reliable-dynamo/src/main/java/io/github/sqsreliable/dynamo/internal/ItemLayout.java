package io.github.sqsreliable.dynamo.internal;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Where the store keeps things: the table and the name of each attribute of an item. Expressions always refer
 * to attributes through placeholders ({@code #k}, {@code #s}, ...), because {@code status}, {@code token} and
 * {@code ttl} are DynamoDB reserved words, and so may be any name a user picks.
 *
 * @param tableName the table's name or ARN
 * @param key the partition key, type S
 * @param status {@code IN_PROGRESS} or {@code COMPLETED}, type S
 * @param token the fencing token of the current acquisition, type S
 * @param expiresAt when the lease or the completed record expires, epoch milliseconds, type N
 * @param ttl when DynamoDB's TTL may delete the item, epoch seconds, type N
 * @param payloadHash the payload hash given at acquisition, type S, absent when none was given
 */
public record ItemLayout(String tableName, String key, String status, String token, String expiresAt, String ttl,
                         String payloadHash) {

    static final String KEY = "#k";
    static final String STATUS = "#s";
    static final String TOKEN = "#t";
    static final String EXPIRES_AT = "#e";
    static final String TTL = "#ttl";
    static final String PAYLOAD_HASH = "#p";

    /**
     * @param value a store key
     * @return the item's primary key
     */
    Map<String, AttributeValue> primaryKey(String value) {
        return Map.of(key, AttributeValue.fromS(value));
    }

    /**
     * @param placeholders placeholders of this class, e.g. {@link #STATUS}
     * @return the expression attribute names that bind them
     */
    Map<String, String> names(String... placeholders) {
        Map<String, String> names = new HashMap<>();
        for (String placeholder : placeholders) {
            names.put(placeholder, switch (placeholder) {
                case KEY -> key;
                case STATUS -> status;
                case TOKEN -> token;
                case EXPIRES_AT -> expiresAt;
                case TTL -> ttl;
                case PAYLOAD_HASH -> payloadHash;
                default -> throw new IllegalArgumentException("unknown placeholder " + placeholder);
            });
        }
        return names;
    }
}
