package io.github.sqsreliable.redis.internal;

import io.lettuce.core.ScriptOutputType;

/**
 * The store's Lua scripts. Each runs atomically on the server, and each takes "now" from the server's clock
 * ({@code TIME}), so that every client judges expiry by the same clock.
 *
 * <p>A record is one string, laid out as {@link Records} describes: {@code expiresAt|state|token[|payloadHash]}.
 * Expiry is decided by {@code expiresAt} alone; the key's own expiry ({@code PX}), set {@code grace} milliseconds
 * later, only collects garbage. One string rather than a hash, so that acquiring a free key is one
 * {@code SET NX PX} and changing a record is one {@code GET} and one {@code SET}: the commands a script calls, not
 * the bytes they move, are what costs Redis CPU.
 *
 * <p>A key that holds anything else (another type, or a string that is no record) fails the script with an error
 * naming the key; nothing is overwritten. Needs Redis 5.0 or newer (a write after {@code TIME} needs script
 * effects replication, the default from 5.0); uses no command newer than 2.6.12's {@code SET NX PX}.
 *
 * <p>Numbers that the scripts write are below 10<sup>14</sup> (epoch milliseconds plus at most 36,500 days), so
 * Lua's {@code %.14g} turns them into exact integers.
 */
public final class LuaScripts {

    private static final String NOW = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            """;

    /**
     * Helpers, defined per call (a closure each: cheap next to a command).
     * <ul>
     *   <li>{@code heldUntil(value, lease)}: for a {@code GET} answer and a lease {@code |I|token}, the record's
     *       {@code expiresAt} if that lease is the record's, else nil. A plain {@code string.find} rather than a
     *       pattern: the lease starts right after {@code expiresAt}, all digits, so what precedes a match anywhere
     *       else is no number; and the token must end where the record or its {@code |payloadHash} starts, so
     *       that a prefix of the token does not match.</li>
     *   <li>{@code isRecord(value)}: whether a {@code GET} answer is absent or a record;</li>
     *   <li>{@code notARecord(key, value)}: the error reply naming a key whose {@code GET} (under
     *       {@code redis.pcall}) answered an error, such as {@code WRONGTYPE}, or a string that is no record.</li>
     * </ul>
     */
    private static final String RECORDS = """
            local function heldUntil(value, lease)
              local at = type(value) == 'string' and string.find(value, lease, 1, true)
              if at and (string.byte(value, at + #lease) or 124) == 124 then
                return tonumber(string.sub(value, 1, at - 1)), at
              end
            end
            local function isRecord(value)
              return value == false or (type(value) == 'string' and string.find(value, '^%d+|[IC]|') ~= nil)
            end
            local function notARecord(key, value)
              local found = (type(value) == 'table' and value.err) and ('Redis answered ' .. value.err)
                or 'a string that is not expiresAt|state|token[|payloadHash]'
              return redis.error_reply('ERR sqs-reliable: the key ' .. key .. ' is not an idempotency record of'
                .. ' this store (' .. found .. '); nothing was changed for it. Delete the key, or give the store a'
                .. ' keyPrefix of its own')
            end
            """;

    /**
     * Checks that the caller's lease (ARGV[1], {@code |I|token}) is what KEYS[1] holds and has not expired; leaves
     * {@code value} and {@code at}, where that lease starts in it, for the script's write.
     */
    private static final String HELD = RECORDS + """
            local value = redis.pcall('GET', KEYS[1])
            local expiresAt, at = heldUntil(value, ARGV[1])
            if not (expiresAt and expiresAt > now) then
              if isRecord(value) then
                return 0
              end
              return notARecord(KEYS[1], value)
            end
            """;

    /**
     * Acquires every key of KEYS that is absent or expired. ARGV[1] is the garbage-collection grace (ms); then two
     * arguments per key: the lease (ms), and the record's tail after {@code expiresAt} ({@code |I|token} or
     * {@code |I|token|payloadHash}, see {@link Records#inProgressTail}). Replies per key, in order: {@code 0}
     * (acquired); {@code 1, ms until the lease expires, hash part} (in progress); {@code 2, hash part} (completed).
     * The hash part is the record's rest after the token: empty (no payload hash) or {@code |hash}.
     *
     * <p>The common case, a free key, is one {@code SET NX PX}; only a key that exists is read. A key that is no
     * record fails the whole call, and the keys this call had already acquired are deleted again first, so that a
     * failed acquire leaves no key held by a token nobody was given.
     */
    public static final RedisScript ACQUIRE = RedisScript.of("acquire", NOW + RECORDS + """
            local grace = tonumber(ARGV[1])
            local reply = {}
            local n = 0
            local leaseArg, expiresAt, px
            for i = 1, #KEYS do
              local key = KEYS[i]
              local a = i * 2
              -- a batch shares one lease in practice: convert it once (string equality of interned ARGV is cheap)
              if ARGV[a] ~= leaseArg then
                leaseArg = ARGV[a]
                local lease = tonumber(leaseArg)
                expiresAt = tostring(now + lease)
                px = tostring(lease + grace)
              end
              local record = expiresAt .. ARGV[a + 1]
              if redis.call('SET', key, record, 'NX', 'PX', px) then
                n = n + 1
                reply[n] = 0
              else
                local value = redis.pcall('GET', key)
                local recordExpiresAt, state, rest
                if type(value) == 'string' then
                  recordExpiresAt, state, rest = string.match(value, '^(%d+)|([IC])|[^|]*(.*)$')
                end
                if not recordExpiresAt then
                  local r = 1
                  for j = 1, i - 1 do
                    local code = reply[r]
                    if code == 0 then
                      redis.call('DEL', KEYS[j])
                      r = r + 1
                    elseif code == 1 then
                      r = r + 3
                    else
                      r = r + 2
                    end
                  end
                  return notARecord(key, value)
                end
                recordExpiresAt = tonumber(recordExpiresAt)
                if recordExpiresAt > now then
                  if state == 'I' then
                    reply[n + 1] = 1
                    reply[n + 2] = recordExpiresAt - now
                    reply[n + 3] = rest
                    n = n + 3
                  else
                    reply[n + 1] = 2
                    reply[n + 2] = rest
                    n = n + 2
                  end
                else
                  -- expired by its own timestamp, though Redis has not collected it yet: as good as absent
                  redis.call('SET', key, record, 'PX', px)
                  n = n + 1
                  reply[n] = 0
                end
              end
            end
            return reply
            """, ScriptOutputType.MULTI);

    /**
     * Completes KEYS[1] if the lease ARGV[1] ({@code |I|token}) holds it: ARGV[2] is the TTL (ms), ARGV[3] the TTL
     * plus the grace (ms). Keeps the payload hash, drops the token. Replies 1 or 0.
     */
    public static final RedisScript COMPLETE = RedisScript.of("complete", NOW + HELD + """
            redis.call('SET', KEYS[1], tostring(now + tonumber(ARGV[2])) .. '|C|' .. string.sub(value, at + #ARGV[1]),
              'PX', ARGV[3])
            return 1
            """, ScriptOutputType.INTEGER);

    /**
     * Completes each key of KEYS that its lease holds, as {@link #COMPLETE} does one: ARGV[1] is the TTL (ms),
     * ARGV[2] the TTL plus the grace (ms), then one lease per key, {@code |I|token}. Replies one value per key: 1
     * (completed) or 0 (the token no longer holds it).
     *
     * <p>Reads every key with one {@code MGET} before writing any, so that a key that is no record fails the call
     * with nothing changed. {@code MGET} answers nil for a key of another type, so a nil (rare: the consumer
     * completes keys it holds) is told apart from an absent key by {@code TYPE}.
     */
    public static final RedisScript COMPLETE_ALL = RedisScript.of("completeAll", NOW + RECORDS + """
            local head = tostring(now + tonumber(ARGV[1])) .. '|C|'
            local keep = ARGV[2]
            local values
            if #KEYS <= 4000 then
              values = redis.call('MGET', unpack(KEYS))
            else
              -- unpack is bounded by Lua's C stack (8,000 values): read a very long batch in parts
              values = {}
              for from = 1, #KEYS, 4000 do
                local part = redis.call('MGET', unpack(KEYS, from, math.min(from + 3999, #KEYS)))
                for j = 1, #part do
                  values[from + j - 1] = part[j]
                end
              end
            end
            local reply = {}
            for i = 1, #KEYS do
              local value = values[i]
              local lease = ARGV[2 + i]
              local expiresAt, at = heldUntil(value, lease)
              if expiresAt and expiresAt > now then
                values[i] = head .. string.sub(value, at + #lease)
                reply[i] = 1
              else
                if not value then
                  local keyType = redis.call('TYPE', KEYS[i])['ok']
                  if keyType ~= 'none' then
                    return notARecord(KEYS[i], {err = 'WRONGTYPE: it holds a ' .. keyType})
                  end
                elseif not isRecord(value) then
                  return notARecord(KEYS[i], value)
                end
                values[i] = false
                reply[i] = 0
              end
            end
            for i = 1, #KEYS do
              if values[i] then
                redis.call('SET', KEYS[i], values[i], 'PX', keep)
              end
            end
            return reply
            """, ScriptOutputType.MULTI);

    /** Deletes KEYS[1] if the lease ARGV[1] ({@code |I|token}) holds it. Replies 1 or 0. */
    public static final RedisScript RELEASE = RedisScript.of("release", NOW + HELD + """
            redis.call('DEL', KEYS[1])
            return 1
            """, ScriptOutputType.INTEGER);

    /**
     * Extends the lease ARGV[1] ({@code |I|token}) on KEYS[1] if it holds the key: ARGV[2] is the new lease (ms),
     * ARGV[3] the lease plus the grace (ms). Replies 1 or 0.
     */
    public static final RedisScript RENEW = RedisScript.of("renew", NOW + HELD + """
            redis.call('SET', KEYS[1], tostring(now + tonumber(ARGV[2])) .. string.sub(value, at), 'PX', ARGV[3])
            return 1
            """, ScriptOutputType.INTEGER);

    private LuaScripts() {
    }
}
