package io.github.sqsreliable.jdbc.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a fixed number of {@link CrashConsumerProcess} children running: each time one has died, it starts another.
 * Until every kill point has had its quota of kills, each new child is given the point with the fewest kills so far
 * (counting those assigned to children still alive) and a random pass to die on; after that, children run until
 * stopped. A child that ends other than by its own SIGKILL, or by {@link #close()}, is recorded as unexpected.
 * Child output goes to one log file per child.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class ConsumerSupervisor implements AutoCloseable {

    /** SIGKILL's exit status: 128 + 9. */
    private static final int KILLED = 137;
    /** SIGTERM's exit status (128 + 15), after the shutdown hook ran. */
    private static final int TERMINATED = 143;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 30;

    private final ChildSettings settings;
    private final Path logDirectory;
    private final int killsPerPoint;
    private final Random random;
    private final Child[] slots;
    private final Map<KillPoint, Integer> kills = new EnumMap<>(KillPoint.class);
    private final List<String> unexpected = new ArrayList<>();
    private final List<String> history = new ArrayList<>();
    private int started;

    /**
     * @param settings what every child runs with (the kill point is set per child)
     * @param children how many to keep running
     * @param killsPerPoint how many children to kill at each point
     * @param random chooses the passes to die on
     * @param logDirectory where {@code child-N.log} files go
     */
    ConsumerSupervisor(ChildSettings settings, int children, int killsPerPoint, Random random, Path logDirectory) {
        this.settings = settings;
        this.slots = new Child[children];
        this.killsPerPoint = killsPerPoint;
        this.random = random;
        this.logDirectory = logDirectory;
        for (KillPoint point : KillPoint.values()) {
            kills.put(point, 0);
        }
    }

    /** Accounts for the children that have ended since the last call and starts one in each free slot. */
    void keepRunning() {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null && !slots[i].process.isAlive()) {
                account(slots[i], false);
                slots[i] = null;
            }
            if (slots[i] == null) {
                slots[i] = start();
            }
        }
    }

    /** @return kills so far, per point */
    Map<KillPoint, Integer> kills() {
        return Collections.unmodifiableMap(kills);
    }

    /** @return how many children were started */
    int started() {
        return started;
    }

    /** @return children that ended without killing themselves and without being stopped, with their log's end */
    List<String> unexpectedExits() {
        return List.copyOf(unexpected);
    }

    /** @return one line per child, for a failure message */
    String progress() {
        return "children started " + started + ", kills " + kills + ", unexpected exits " + unexpected.size()
                + "\n  " + String.join("\n  ", history) + (unexpected.isEmpty() ? ""
                : "\nunexpected:\n" + String.join("\n", unexpected));
    }

    /** Stops the running children with SIGTERM (their consumers close normally), then accounts for them. */
    @Override
    public void close() {
        for (Child child : slots) {
            if (child != null) {
                child.process.destroy();
            }
        }
        for (int i = 0; i < slots.length; i++) {
            Child child = slots[i];
            if (child == null) {
                continue;
            }
            boolean ended;
            try {
                ended = child.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended = false;
            }
            if (!ended) {
                child.process.destroyForcibly();
                unexpected.add(child.describe() + " did not stop within " + STOP_TIMEOUT + " of SIGTERM"
                        + tail(child.log));
            } else {
                account(child, true);
            }
            slots[i] = null;
        }
    }

    private Child start() {
        KillPoint point = nextKillPoint();
        int pass = point == null ? 0 : passFor(point);
        int number = ++started;
        Path log = logDirectory.resolve("child-" + number + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                CrashConsumerProcess.class.getName()));
        command.addAll(settings.killing(point, pass).arguments());
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Child child = new Child(number, process, log, point, pass);
            history.add(child.describe() + " started");
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start child " + number, e);
        }
    }

    /** The point with the fewest kills, counting the children alive that will die there; null once all are met. */
    private KillPoint nextKillPoint() {
        Map<KillPoint, Integer> planned = new EnumMap<>(kills);
        for (Child child : slots) {
            if (child != null && child.point != null) {
                planned.merge(child.point, 1, Integer::sum);
            }
        }
        KillPoint fewest = null;
        for (KillPoint point : KillPoint.values()) {
            int count = planned.get(point);
            if (count < killsPerPoint && (fewest == null || count < planned.get(fewest))) {
                fewest = point;
            }
        }
        return fewest;
    }

    /** Early enough that a child reaches it long before the queue is drained, late enough to be busy then. */
    private int passFor(KillPoint point) {
        return switch (point) {
            case AFTER_EFFECT, AFTER_COMMIT -> 1 + random.nextInt(60);
            case DURING_ACQUIRE, DURING_DELETE -> 1 + random.nextInt(8);
        };
    }

    private void account(Child child, boolean stopped) {
        int status = child.process.exitValue();
        Optional<KillPoint> killedAt = killMarker(child.log);
        if (killedAt.isPresent() && status == KILLED) {
            kills.merge(killedAt.get(), 1, Integer::sum);
            history.add(child.describe() + " killed itself " + killedAt.get().label());
        } else if (stopped && killedAt.isEmpty() && (status == TERMINATED || status == 0)) {
            history.add(child.describe() + " stopped");
        } else {
            String what = child.describe() + " ended with status " + status
                    + killedAt.map(point -> " after its kill marker at " + point).orElse(" without a kill marker");
            history.add(what);
            unexpected.add(what + tail(child.log));
        }
    }

    private static Optional<KillPoint> killMarker(Path log) {
        for (String line : lines(log)) {
            if (line.startsWith(CrashConsumerProcess.KILL_MARKER)) {
                String name = line.substring(CrashConsumerProcess.KILL_MARKER.length()).split(" ", 2)[0];
                return Optional.of(KillPoint.valueOf(name));
            }
        }
        return Optional.empty();
    }

    private static String tail(Path log) {
        List<String> lines = lines(log);
        return "; the end of " + log.getFileName() + ":\n    "
                + String.join("\n    ", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    private static List<String> lines(Path log) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One child JVM. */
    private record Child(int number, Process process, Path log, KillPoint point, int pass) {
        String describe() {
            return "child " + number + " (pid " + process.pid() + ", "
                    + (point == null ? "no kill" : "kill " + point.label() + " on pass " + pass) + ")";
        }
    }
}
