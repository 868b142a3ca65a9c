package io.github.sqsreliable.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.redis.internal.LuaScripts;
import io.github.sqsreliable.redis.internal.RedisScript;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.test.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What idempotency costs in Redis round trips when handling is cheap: a consumer with a no-op handler, counted by
 * a Lettuce command listener (each command is one round trip unless pipelined). Acquires go one per receive, and
 * completes one per batch of handled messages, so a message costs a fraction of a command. On a private server and
 * client, so that nothing else's commands are counted.
 */
@Timeout(120)
class RedisCommandsPerMessageIT {

    private static final Logger log = LoggerFactory.getLogger(RedisCommandsPerMessageIT.class);
    private static final int MESSAGES = 500;

    private static final LongAdder COMMANDS = new LongAdder();
    private static final Map<String, LongAdder> BY_TYPE = new ConcurrentHashMap<>();

    private static EmbeddedRedis server;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void start() {
        server = EmbeddedRedis.startPrivate();
        client = RedisClient.create(server.uri());
        client.addListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                COMMANDS.increment();
                BY_TYPE.computeIfAbsent(describe(event), type -> new LongAdder()).increment();
            }
        });
        connection = client.connect();
    }

    /** The command, and for a script run the script's name: {@code EVALSHA completeAll}. */
    private static String describe(CommandStartedEvent event) {
        String type = event.getCommand().getType().toString();
        String args = event.getCommand().getArgs() == null ? "" : event.getCommand().getArgs().toCommandString();
        for (RedisScript script : List.of(LuaScripts.ACQUIRE, LuaScripts.COMPLETE_ALL, LuaScripts.COMPLETE,
                LuaScripts.RELEASE, LuaScripts.RENEW)) {
            if (args.startsWith(script.sha1()) || args.startsWith(script.source())) {
                return type + " " + script.name();
            }
        }
        return type;
    }

    @AfterAll
    static void stop() {
        connection.close();
        client.shutdown();
        server.close();
    }

    @Test
    void aNoOpConsumerCostsAtMostAQuarterOfARedisCommandPerMessage() {
        // given 500 messages and a consumer whose handler does nothing, with idempotency in this Redis
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(30)));
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            bodies.add("message-" + i);
        }
        sqs.sendAll(queueUrl, bodies);
        RedisIdempotencyStore store = RedisIdempotencyStore.builder().connection(connection).build();
        COMMANDS.reset();
        BY_TYPE.clear();

        // when it consumes them all
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .maxConcurrency(16)
                .idempotency(Idempotency.builder().store(store).build())
                .handler(message -> { })
                .build()) {
            long started = System.nanoTime();
            consumer.start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> consumer.metrics().deleted() == MESSAGES);
            assertThat(consumer.metrics().succeeded()).isEqualTo(MESSAGES);
            log.info("consumed {} messages in {} ms", MESSAGES, Duration.ofNanos(System.nanoTime() - started).toMillis());
        }

        // then the store sent about one acquire per receive and one complete per batch: far below one per message
        double perMessage = COMMANDS.sum() / (double) MESSAGES;
        log.info("Redis commands per message: {} ({} commands for {} messages: {})", String.format("%.3f", perMessage),
                COMMANDS.sum(), MESSAGES, BY_TYPE);
        assertThat(perMessage).isLessThanOrEqualTo(0.25);
    }
}
