package io.github.sqsreliable.jdbc.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a fixed number of {@link CrashConsumerProcess} children consuming: each time one has died, another begins.
 * Until every kill point has had its quota of kills, each new child is given the point with the fewest kills so far
 * (counting those planned for children alive) and a random pass to die on; after that, children run until stopped,
 * and they begin only once every child with a kill point has died. For each death still to come, one more child is
 * kept as a standby, started and waiting, so that a replacement begins consuming without waiting for a JVM to start.
 * A child that ends other than by its own SIGKILL, or by {@link #close()}, is recorded as unexpected. Child output
 * goes to one log file per child.
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
    /** This many, and something else than the kills is wrong: starting more children would not help. */
    private static final int MAX_UNEXPECTED_EXITS = 3;

    private final ChildSettings settings;
    private final Path logDirectory;
    private final int killsPerPoint;
    private final Random random;
    private final Child[] slots;
    /** Started, ready or getting ready, not consuming: the next children to go, first first. */
    private final Deque<Child> standbys = new ArrayDeque<>();
    private final Map<KillPoint, Integer> kills = new EnumMap<>(KillPoint.class);
    private final List<String> unexpected = new ArrayList<>();
    private final List<String> history = new ArrayList<>();
    private final long createdNanos = System.nanoTime();
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

    /**
     * Accounts for the children that have ended since the last call, sets a child consuming in each free slot (a
     * standby if one is there), and keeps a standby for each death still to come. A child without a kill point waits
     * until every child with one has died, so that the kills happen while the queue is full.
     *
     * @throws IllegalStateException once {@value #MAX_UNEXPECTED_EXITS} children ended unexpectedly
     */
    void keepRunning() {
        if (unexpected.size() >= MAX_UNEXPECTED_EXITS) {
            throw new IllegalStateException("children keep ending unexpectedly: " + progress());
        }
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null && !slots[i].process.isAlive()) {
                account(slots[i], false);
                slots[i] = null;
            }
        }
        for (Iterator<Child> waiting = standbys.iterator(); waiting.hasNext(); ) {
            Child child = waiting.next();
            if (!child.process.isAlive()) {
                account(child, false);
                waiting.remove();
            }
        }
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                continue;
            }
            if (standbys.isEmpty()) {
                standbys.add(start());
            }
            if (standbys.peekFirst().point == null && killsToCome() > 0) {
                break;
            }
            slots[i] = go(standbys.removeFirst());
        }
        int wanted = Math.max(killsToCome(), nextKillPoint() == null ? 0 : 1);
        while (standbys.size() < wanted) {
            standbys.add(start());
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

    /** Stops the children with SIGTERM (their consumers close normally), then accounts for them. */
    @Override
    public void close() {
        List<Child> children = new ArrayList<>(standbys);
        for (Child child : slots) {
            if (child != null) {
                children.add(child);
            }
        }
        Arrays.fill(slots, null);
        standbys.clear();
        // SIGTERM through the handle: Process.destroy() would also close the child's input, which halts it
        children.forEach(child -> child.process.toHandle().destroy());
        for (Child child : children) {
            boolean ended;
            try {
                ended = child.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended = false;
            }
            if (ended) {
                account(child, true);
            } else {
                child.process.destroyForcibly();
                unexpected.add(child.describe() + " did not stop within " + STOP_TIMEOUT + " of SIGTERM"
                        + tail(child.log));
            }
        }
    }

    /** @return how many consuming children are still to kill themselves */
    private int killsToCome() {
        return (int) Arrays.stream(slots).filter(child -> child != null && child.point != null).count();
    }

    private Child go(Child child) {
        try {
            child.process.getOutputStream().write((CrashConsumerProcess.GO + "\n").getBytes(StandardCharsets.UTF_8));
            child.process.getOutputStream().flush();
        } catch (IOException e) {
            // it died meanwhile: accounted for when the slot is found empty next time
            record(child.describe() + " could not be told to go: " + e);
        }
        record(child.describe() + " consumes");
        return child;
    }

    private Child start() {
        KillPoint point = nextKillPoint();
        int pass = point == null ? 0 : passFor(point);
        int number = ++started;
        Path log = logDirectory.resolve("child-" + number + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a child lives seconds: start it cheaply (C1 only, no verification of the test's own jars)
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote",
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
            record(child.describe() + " started");
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start child " + number, e);
        }
    }

    /** The point with the fewest kills, counting the children alive that will die there; null once all are met. */
    private KillPoint nextKillPoint() {
        Map<KillPoint, Integer> planned = new EnumMap<>(kills);
        List<Child> alive = new ArrayList<>(Arrays.asList(slots));
        alive.addAll(standbys);
        for (Child child : alive) {
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
        Optional<String> marker = line(child.log, CrashConsumerProcess.KILL_MARKER);
        Optional<KillPoint> killedAt = marker.map(line -> KillPoint.valueOf(line.split(" ", 2)[0]));
        String consuming = line(child.log, CrashConsumerProcess.CONSUMING_MARKER)
                .map(line -> ", consuming " + line).orElse(", never consuming");
        if (killedAt.isPresent() && status == KILLED) {
            kills.merge(killedAt.get(), 1, Integer::sum);
            record(child.describe() + " killed itself " + killedAt.get().label() + consuming + ", killed "
                    + marker.get().substring(marker.get().lastIndexOf(", ") + 2));
        } else if (stopped && killedAt.isEmpty() && (status == TERMINATED || status == 0)) {
            record(child.describe() + " stopped" + consuming);
        } else {
            String what = child.describe() + " ended with status " + status
                    + killedAt.map(point -> " after its kill marker at " + point).orElse(" without a kill marker");
            record(what);
            unexpected.add(what + tail(child.log));
        }
    }

    private void record(String event) {
        history.add(String.format("%5.1f s  %s", (System.nanoTime() - createdNanos) / 1e9, event));
    }

    /** @return the rest of the first line of the log that starts with {@code marker} */
    private static Optional<String> line(Path log, String marker) {
        return lines(log).stream()
                .filter(line -> line.startsWith(marker))
                .map(line -> line.substring(marker.length()))
                .findFirst();
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
