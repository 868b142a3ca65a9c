package io.github.sqsreliable.tools.cli;

import static io.github.sqsreliable.testing.DeadLetterFixtures.deadLetter;
import static io.github.sqsreliable.testing.DeadLetterFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as a user runs it: {@code java -jar sqs-reliable-tools.jar ...} in a child process, against the
 * embedded SQS. Runs after the package phase, which built the jar; its path comes from the build
 * ({@code sqsreliable.tools.jar}).
 */
@Timeout(120)
class SqsReliableToolsJarIT {

    private static final String TIMEOUT = "java.net.SocketTimeoutException";

    private static Path jar;

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @TempDir
    Path temp;

    /**
     * What the child process did.
     *
     * @param status its exit status
     * @param out its standard output
     * @param err its standard error
     */
    private record JarRun(int status, String out, String err) {
    }

    @BeforeAll
    static void findTheJar() {
        String path = System.getProperty("sqsreliable.tools.jar");
        assertThat(path).as("system property sqsreliable.tools.jar (set by the pom's failsafe configuration)")
                .isNotNull();
        jar = Path.of(path);
        assertThat(jar).as("the runnable jar; run this test with mvn verify, after package").isRegularFile();
    }

    private JarRun java(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(temp, "out", ".txt");
        Path err = Files.createTempFile(temp, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("java -jar " + String.join(" ", args) + " did not end within 90 s");
        }
        return new JarRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private JarRun java(String... args) throws IOException, InterruptedException {
        return java(Map.of(), args);
    }

    @Test
    void helpExitsWithZeroAndPrintsNothingElse() throws Exception {
        JarRun top = java("--help");
        JarRun redrive = java("redrive", "--help");

        assertThat(top.status()).isZero();
        assertThat(top.out()).contains("Usage: sqs-reliable-tools", "redrive ");
        assertThat(redrive.status()).isZero();
        assertThat(redrive.out()).contains("Usage: sqs-reliable-tools redrive --dlq URL", "--peek [N]",
                "Exit status:");
        // No logging warning (SLF4J finds its provider in the jar), no stack trace.
        assertThat(top.err() + redrive.err()).isEmpty();
    }

    @Test
    void versionComesFromTheManifest() throws Exception {
        JarRun run = java("--version");

        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("sqs-reliable-tools ").doesNotContain("development build");
    }

    @Test
    void peeksAtARealDeadLetterQueue() throws Exception {
        // given
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 3; i++) {
            deadLetter(sqs, dlq, "secret-body-" + i, record(origin, TIMEOUT, i), null, Map.of());
        }

        // when
        JarRun run = java("redrive", "--dlq", dlq, "--peek", "20", "--endpoint", sqs.endpoint().toString());

        // then
        assertThat(run.status()).isZero();
        assertThat(run.out().lines()).hasSize(4).first().asString().startsWith("messageId\terrorClass");
        assertThat(run.out()).contains(TIMEOUT + "\t5\tATTEMPTS_EXHAUSTED\t" + origin).doesNotContain("secret-body");
        assertThat(run.err()).isEqualTo("3 message(s) shown from " + dlq + "; none was removed\n");
        assertThat(sqs.counts(dlq).visible()).isEqualTo(3);
    }

    @Test
    void movesMessagesBackWithAProgressLine() throws Exception {
        // given
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 25; i++) {
            deadLetter(sqs, dlq, "body-" + i, record(origin, TIMEOUT, i), null, Map.of());
        }

        // when
        JarRun run = java("redrive", "--dlq=" + dlq, "--endpoint=" + sqs.endpoint());

        // then
        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("moved 25, skipped 0, failed 0 in ").contains("  25 to " + origin);
        assertThat(run.err()).startsWith("\rmoved ").contains("\rmoved 25, skipped 0, failed 0 (").endsWith(" s)\n");
        assertThat(sqs.counts(origin).visible()).isEqualTo(25);
        assertThat(sqs.counts(dlq).total()).isZero();
    }

    @Test
    void aBadArgumentExitsWithTheUsageStatus() throws Exception {
        JarRun run = java("redrive", "--dlq", "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq",
                "--max", "none");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("redrive: --max (none) must be a whole number of at least 1")
                .contains("Usage: sqs-reliable-tools redrive");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void noRegionAnywhereExitsWithTheUsageStatus() throws Exception {
        // An environment without a region: no variables, no config file, no instance metadata to ask.
        Map<String, String> noRegion = Map.of("AWS_REGION", "", "AWS_DEFAULT_REGION", "",
                "AWS_CONFIG_FILE", temp.resolve("no-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", temp.resolve("no-credentials").toString(),
                "AWS_EC2_METADATA_DISABLED", "true");

        JarRun run = java(noRegion, "redrive", "--dlq",
                "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq", "--peek");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("redrive: cannot create the SQS client (pass --region?)");
    }
}
