package io.github.sqsreliable.benchmarks.measure;

import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.util.concurrent.atomic.LongAdder;

/** Counts the commands Lettuce sends: each is one round trip unless pipelined with others. */
public final class RedisCommandCounter implements CommandListener {

    private final LongAdder commands = new LongAdder();

    @Override
    public void commandStarted(CommandStartedEvent event) {
        commands.increment();
    }

    /** Commands so far. */
    public long commands() {
        return commands.sum();
    }

    /** Forgets the count. */
    public void reset() {
        commands.reset();
    }
}
