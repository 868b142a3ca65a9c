package io.github.sqsreliable.redis.internal;

import io.lettuce.core.ScriptOutputType;

/**
 * The store's Lua scripts. Each runs atomically on the server, and each takes "now" from the server's clock
 * ({@code TIME}), so that every client judges expiry by the same clock.
 *
 * <p>A record is a hash: {@code s} (state: {@code I} in progress, {@code C} completed), {@code t} (the fencing
 * token; removed on completion), {@code e} (expiry, epoch milliseconds of the server clock) and {@code p} (the
 * payload hash, absent when none). Expiry is decided by {@code e} alone; the key's own {@code PEXPIRE}, set
 * {@code grace} milliseconds later, only collects garbage.
 */
public final class LuaScripts {

    private static final String NOW = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            """;

    /** Checks that the caller's token holds an unexpired lease on KEYS[1]; ARGV[1] is the token. */
    private static final String HELD = """
            local record = redis.call('HMGET', KEYS[1], 's', 't', 'e')
            local expiresAt = tonumber(record[3])
            if record[1] ~= 'I' or record[2] ~= ARGV[1] or not expiresAt or expiresAt <= now then
              return 0
            end
            """;

    /**
     * Acquires every key of KEYS that is absent or expired. ARGV[1] is the garbage-collection grace (ms); then
     * three arguments per key: the lease (ms), the new token, and the payload hash as {@code +hash}, or {@code -}
     * for none. Replies three values per key: 0 (acquired), 1 (in progress) or 2 (completed); the milliseconds
     * until the record expires; the recorded payload hash, or nil.
     */
    public static final RedisScript ACQUIRE = RedisScript.of("acquire", NOW + """
            local grace = tonumber(ARGV[1])
            local reply = {}
            for i = 1, #KEYS do
              local key = KEYS[i]
              local arg = 2 + (i - 1) * 3
              local record = redis.call('HMGET', key, 's', 'e', 'p')
              local expiresAt = tonumber(record[2])
              if record[1] and expiresAt and expiresAt > now then
                reply[#reply + 1] = (record[1] == 'C') and 2 or 1
                reply[#reply + 1] = expiresAt - now
                reply[#reply + 1] = record[3]
              else
                local lease = tonumber(ARGV[arg])
                local payload = ARGV[arg + 2]
                redis.call('DEL', key)
                if string.sub(payload, 1, 1) == '+' then
                  redis.call('HSET', key, 's', 'I', 't', ARGV[arg + 1], 'e', now + lease, 'p', string.sub(payload, 2))
                else
                  redis.call('HSET', key, 's', 'I', 't', ARGV[arg + 1], 'e', now + lease)
                end
                redis.call('PEXPIRE', key, lease + grace)
                reply[#reply + 1] = 0
                reply[#reply + 1] = lease
                reply[#reply + 1] = false
              end
            end
            return reply
            """, ScriptOutputType.MULTI);

    /** Completes KEYS[1] if ARGV[1] holds it: ARGV[2] is the TTL (ms), ARGV[3] the grace (ms). Replies 1 or 0. */
    public static final RedisScript COMPLETE = RedisScript.of("complete", NOW + HELD + """
            local ttl = tonumber(ARGV[2])
            redis.call('HSET', KEYS[1], 's', 'C', 'e', now + ttl)
            redis.call('HDEL', KEYS[1], 't')
            redis.call('PEXPIRE', KEYS[1], ttl + tonumber(ARGV[3]))
            return 1
            """, ScriptOutputType.INTEGER);

    /**
     * Completes each key of KEYS that its token holds, as {@link #COMPLETE} does one: ARGV[1] is the TTL (ms),
     * ARGV[2] the grace (ms), then one token per key. Replies one value per key: 1 (completed) or 0 (the token no
     * longer holds it).
     */
    public static final RedisScript COMPLETE_ALL = RedisScript.of("completeAll", NOW + """
            local ttl = tonumber(ARGV[1])
            local keep = ttl + tonumber(ARGV[2])
            local reply = {}
            for i = 1, #KEYS do
              local key = KEYS[i]
              local record = redis.call('HMGET', key, 's', 't', 'e')
              local expiresAt = tonumber(record[3])
              if record[1] == 'I' and record[2] == ARGV[2 + i] and expiresAt and expiresAt > now then
                redis.call('HSET', key, 's', 'C', 'e', now + ttl)
                redis.call('HDEL', key, 't')
                redis.call('PEXPIRE', key, keep)
                reply[i] = 1
              else
                reply[i] = 0
              end
            end
            return reply
            """, ScriptOutputType.MULTI);

    /** Deletes KEYS[1] if ARGV[1] holds it. Replies 1 or 0. */
    public static final RedisScript RELEASE = RedisScript.of("release", NOW + HELD + """
            redis.call('DEL', KEYS[1])
            return 1
            """, ScriptOutputType.INTEGER);

    /** Extends the lease on KEYS[1] if ARGV[1] holds it: ARGV[2] is the lease (ms), ARGV[3] the grace (ms). */
    public static final RedisScript RENEW = RedisScript.of("renew", NOW + HELD + """
            local lease = tonumber(ARGV[2])
            redis.call('HSET', KEYS[1], 'e', now + lease)
            redis.call('PEXPIRE', KEYS[1], lease + tonumber(ARGV[3]))
            return 1
            """, ScriptOutputType.INTEGER);

    private LuaScripts() {
    }
}
