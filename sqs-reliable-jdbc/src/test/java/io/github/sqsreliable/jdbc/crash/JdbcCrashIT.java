package io.github.sqsreliable.jdbc.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.jdbc.JdbcIdempotencyStore;
import io.github.sqsreliable.jdbc.crash.ChildSettings.StoreKind;
import io.github.sqsreliable.test.EmbeddedPostgres;
import io.github.sqsreliable.test.EmbeddedRedis;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23's crash test. Consumer JVMs ({@link CrashConsumerProcess}, two at a time) handle thousands of messages,
 * each inserting one row into a PostgreSQL table with no unique constraint, so that every duplicate effect stays
 * visible; children send themselves SIGKILL at each {@link KillPoint}, and a supervisor starts a new child for each
 * one that died, until the queue is drained. Then the database and the queues are checked: with
 * {@link JdbcIdempotencyStore#transactional} no effect is duplicated or lost; with the Redis store, where the
 * effect commits before the key is completed, nothing is lost but effects are repeated, and the figures of both runs
 * are printed for docs/idempotency-jdbc.md.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class JdbcCrashIT {

    /** {@value #MESSAGES_PROPERTY} (a system property, or -D on Maven's command line) sends more. */
    private static final String MESSAGES_PROPERTY = "sqsr.crash.messages";
    /** {@value #KILLS_PROPERTY} kills more children at each point. */
    private static final String KILLS_PROPERTY = "sqsr.crash.killsPerPoint";
    private static final int MESSAGES = Integer.getInteger(MESSAGES_PROPERTY, 2_000);
    private static final int KILLS_PER_POINT = Integer.getInteger(KILLS_PROPERTY, 1);
    private static final int CONSUMERS = 2;
    /** Short, so that what a killed child held comes back soon. */
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(5);
    /** High: a message may be held by several children that die; the dead-letter queue must stay empty. */
    private static final int MAX_RECEIVES = 50;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    private static final List<CrashReport> REPORTS = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path logs;

    @AfterAll
    static void printTheFigures() {
        System.out.println("JdbcCrashIT figures:");
        synchronized (REPORTS) {
            REPORTS.forEach(report -> System.out.println("  " + report.line()));
        }
    }

    @Test
    void theTransactionalJdbcStoreRepeatsAndLosesNoEffectWhenConsumersAreKilledAtEveryPoint() throws Exception {
        // when children are killed at every point until the queue is drained
        CrashReport report = run(StoreKind.JDBC_TRANSACTIONAL);

        // then each point had its kills, every message left the queue, and each has exactly one effect row
        assertThat(report.unexpectedExits()).as(report.line()).isEmpty();
        assertThat(report.kills()).as(report.line())
                .allSatisfy((point, kills) -> assertThat(kills).isGreaterThanOrEqualTo(KILLS_PER_POINT));
        assertThat(report.leftOnQueue()).as(report.line()).isZero();
        assertThat(report.deadLettered()).as(report.line()).isZero();
        assertThat(report.lost()).as(report.line()).isZero();
        assertThat(report.unknown()).as(report.line()).isZero();
        assertThat(report.duplicates()).as(report.line()).isZero();
    }

    @Test
    void theRedisStoreLosesNoEffectButRepeatsThoseWhoseConsumerDiedBeforeTheCompletion() throws Exception {
        // when the same run uses the Redis store, whose completion is a call after the handler's autocommitted insert
        CrashReport report = run(StoreKind.REDIS);

        // then nothing is lost, and each kill between the effect and the completion repeated at least one effect
        assertThat(report.unexpectedExits()).as(report.line()).isEmpty();
        assertThat(report.kills()).as(report.line())
                .allSatisfy((point, kills) -> assertThat(kills).isGreaterThanOrEqualTo(KILLS_PER_POINT));
        assertThat(report.leftOnQueue()).as(report.line()).isZero();
        assertThat(report.deadLettered()).as(report.line()).isZero();
        assertThat(report.lost()).as(report.line()).isZero();
        assertThat(report.unknown()).as(report.line()).isZero();
        assertThat(report.duplicates()).as(report.line())
                .isGreaterThanOrEqualTo(report.kills().get(KillPoint.AFTER_EFFECT)
                        + report.kills().get(KillPoint.AFTER_COMMIT));
    }

    private CrashReport run(StoreKind store) throws Exception {
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        EmbeddedPostgres postgres = EmbeddedPostgres.shared();
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("crash-dlq"));
        String queue = sqs.createQueue(QueueSpec.standard().namePrefix("crash")
                .visibilityTimeout(VISIBILITY_TIMEOUT).redriveTo(deadLetterQueue, MAX_RECEIVES));
        String effects = postgres.newTableName();
        String keys = store == StoreKind.JDBC_TRANSACTIONAL ? postgres.newTableName()
                : "crash-" + UUID.randomUUID() + ":";
        try (Connection connection = connect(postgres); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + effects
                    + " (id bigserial PRIMARY KEY, body text NOT NULL, pid bigint NOT NULL)");
            if (store == StoreKind.JDBC_TRANSACTIONAL) {
                statement.execute(JdbcIdempotencyStore.createTableSql(keys));
            }
        }
        String redisUri = store == StoreKind.REDIS ? EmbeddedRedis.shared().uri() : "none";
        List<String> bodies = IntStream.range(0, MESSAGES).mapToObj(i -> String.format("message-%05d", i)).toList();
        sqs.sendAll(queue, bodies);

        ChildSettings settings = new ChildSettings(store, sqs.endpoint(), queue, postgres.jdbcUrl(), postgres.user(),
                effects, keys, redisUri, null, 0);
        long seed = new Random().nextLong();
        Path logDirectory = Files.createDirectories(logs.resolve(store.name().toLowerCase()));
        long startNanos = System.nanoTime();
        ConsumerSupervisor supervisor = new ConsumerSupervisor(settings, CONSUMERS, KILLS_PER_POINT,
                new Random(seed), logDirectory);
        try (supervisor) {
            await("queue drained while children are killed and replaced")
                    .atMost(DRAIN_TIMEOUT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        supervisor.keepRunning();
                        return sqs.counts(queue).total() == 0;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(store + ": the queue was not drained within " + DRAIN_TIMEOUT + " ("
                    + sqs.counts(queue) + ", " + countEffects(postgres, effects).size() + " of " + MESSAGES
                    + " bodies have an effect, seed " + seed + "): " + supervisor.progress(), e);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);

        Map<String, Integer> rows = countEffects(postgres, effects);
        long duplicates = rows.values().stream().mapToLong(count -> count - 1).sum();
        long lost = bodies.stream().filter(body -> !rows.containsKey(body)).count();
        Set<String> sent = Set.copyOf(bodies);
        long unknown = rows.keySet().stream().filter(body -> !sent.contains(body)).count();
        CrashReport report = new CrashReport(store, MESSAGES, supervisor.kills(), supervisor.started(), duplicates,
                lost, unknown, sqs.counts(deadLetterQueue).total(), sqs.counts(queue).total(), elapsed, seed,
                supervisor.unexpectedExits());
        REPORTS.add(report);
        System.out.println("JdbcCrashIT " + report.line() + "\n  " + supervisor.progress());
        return report;
    }

    private static Connection connect(EmbeddedPostgres postgres) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
    }

    /** @return the number of effect rows per body */
    private static Map<String, Integer> countEffects(EmbeddedPostgres postgres, String effects) throws SQLException {
        Map<String, Integer> rows = new HashMap<>();
        try (Connection connection = connect(postgres); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT body, count(*) FROM " + effects + " GROUP BY body")) {
            while (result.next()) {
                rows.put(result.getString(1), result.getInt(2));
            }
        }
        return rows;
    }

    /**
     * What one run measured, from the database and the queues after draining.
     *
     * @param store the store under test
     * @param messages messages sent, each with its own body
     * @param kills children killed, per point
     * @param children children started
     * @param duplicates effect rows beyond the first of each body
     * @param lost bodies sent without an effect row
     * @param unknown bodies with an effect row that were never sent
     * @param deadLettered messages on the dead-letter queue
     * @param leftOnQueue messages still on the queue
     * @param elapsed from the first child's start until the queue was drained and the last children stopped
     * @param seed the seed of the kill passes
     * @param unexpectedExits children that ended otherwise than killed or stopped
     */
    private record CrashReport(StoreKind store, int messages, Map<KillPoint, Integer> kills, int children,
                               long duplicates, long lost, long unknown, long deadLettered, long leftOnQueue,
                               Duration elapsed, long seed, List<String> unexpectedExits) {

        CrashReport {
            kills = Map.copyOf(kills);
        }

        String line() {
            String killed = kills.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(entry -> entry.getKey().label() + " " + entry.getValue())
                    .collect(Collectors.joining(", "));
            return String.format("%-18s %d messages, %d consumers (%d JVMs started); kills: %s; duplicates %d, lost %d,"
                    + " unknown %d, dead-lettered %d, left on queue %d; drained and stopped in %.1f s (seed %d)%s",
                    store, messages, CONSUMERS, children, killed, duplicates, lost, unknown, deadLettered, leftOnQueue,
                    elapsed.toMillis() / 1000.0, seed,
                    unexpectedExits.isEmpty() ? "" : "; unexpected exits:\n" + String.join("\n", unexpectedExits));
        }
    }
}
