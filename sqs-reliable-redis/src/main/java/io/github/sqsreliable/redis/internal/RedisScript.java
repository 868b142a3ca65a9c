package io.github.sqsreliable.redis.internal;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A Lua script with its SHA-1, which is how {@code EVALSHA} names it.
 *
 * @param name a short name for error messages
 * @param source the Lua source
 * @param sha1 the lowercase hex SHA-1 of the source
 * @param outputType how Lettuce decodes the reply
 */
public record RedisScript(String name, String source, String sha1, ScriptOutputType outputType) {

    public RedisScript {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sha1, "sha1");
        Objects.requireNonNull(outputType, "outputType");
    }

    /**
     * @param name a short name for error messages
     * @param source the Lua source
     * @param outputType how Lettuce decodes the reply
     * @return the script, with its SHA-1 computed
     */
    public static RedisScript of(String name, String source, ScriptOutputType outputType) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new RedisScript(name, source, HexFormat.of().formatHex(digest), outputType);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
