package io.github.sqsreliable.jdbc.crash;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link CrashConsumerProcess} runs with, passed on its command line as {@code name=value} arguments.
 *
 * @param store the idempotency store under test
 * @param sqsEndpoint the test's ElasticMQ
 * @param queueUrl the queue to consume
 * @param jdbcUrl the test's PostgreSQL, where the effects table (and the JDBC store's table) live
 * @param jdbcUser the database user
 * @param effectsTable one row per handler run: {@code (id, body, pid)}, no unique constraint
 * @param keys the JDBC store's table, or the Redis store's key prefix
 * @param redisUri the test's Redis; unused by the JDBC store
 * @param killPoint where this child kills itself, or {@code null} to run until stopped
 * @param killOnPass on which pass of {@code killPoint} it does, from 1
 */
record ChildSettings(StoreKind store, URI sqsEndpoint, String queueUrl, String jdbcUrl, String jdbcUser,
                     String effectsTable, String keys, String redisUri, KillPoint killPoint, int killOnPass) {

    private static final String NONE = "NONE";

    /** The idempotency store a run tests. */
    enum StoreKind {
        /** {@code JdbcIdempotencyStore.transactional}: the effect and the completion record in one transaction. */
        JDBC_TRANSACTIONAL,
        /** {@code RedisIdempotencyStore}: the effect autocommitted, the key completed in Redis after the handler. */
        REDIS
    }

    /**
     * @param point where to kill, or {@code null} for nowhere
     * @param pass on which pass
     * @return these settings for one child
     */
    ChildSettings killing(KillPoint point, int pass) {
        return new ChildSettings(store, sqsEndpoint, queueUrl, jdbcUrl, jdbcUser, effectsTable, keys, redisUri,
                point, pass);
    }

    /** @return the command-line arguments that {@link #parse(String[])} reads back */
    List<String> arguments() {
        List<String> arguments = new ArrayList<>();
        arguments.add("store=" + store.name());
        arguments.add("sqsEndpoint=" + sqsEndpoint);
        arguments.add("queueUrl=" + queueUrl);
        arguments.add("jdbcUrl=" + jdbcUrl);
        arguments.add("jdbcUser=" + jdbcUser);
        arguments.add("effectsTable=" + effectsTable);
        arguments.add("keys=" + keys);
        arguments.add("redisUri=" + redisUri);
        arguments.add("killPoint=" + (killPoint == null ? NONE : killPoint.name()));
        arguments.add("killOnPass=" + killOnPass);
        return arguments;
    }

    /**
     * @param arguments as {@link #arguments()} wrote them
     * @return the settings
     * @throws IllegalArgumentException naming a missing or malformed argument
     */
    static ChildSettings parse(String[] arguments) {
        Map<String, String> values = new HashMap<>();
        for (String argument : arguments) {
            int equals = argument.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("argument (" + argument + ") is not name=value");
            }
            values.put(argument.substring(0, equals), argument.substring(equals + 1));
        }
        String killPoint = required(values, "killPoint");
        return new ChildSettings(StoreKind.valueOf(required(values, "store")),
                URI.create(required(values, "sqsEndpoint")), required(values, "queueUrl"),
                required(values, "jdbcUrl"), required(values, "jdbcUser"), required(values, "effectsTable"),
                required(values, "keys"), required(values, "redisUri"),
                killPoint.equals(NONE) ? null : KillPoint.valueOf(killPoint),
                Integer.parseInt(required(values, "killOnPass")));
    }

    private static String required(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("argument " + name + "=... is missing");
        }
        return value;
    }
}
