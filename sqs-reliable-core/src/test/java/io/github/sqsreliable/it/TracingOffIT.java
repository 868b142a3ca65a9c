package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OpenTelemetry is an optional dependency: a consumer that does not trace builds, starts, handles and closes with no
 * OpenTelemetry jar on the class path. The consumer runs in a class loader made of the test class path without the
 * {@code io.opentelemetry} jars (and without the application class loader as parent), so any use of an
 * OpenTelemetry class fails there with {@link NoClassDefFoundError}, which the second test shows.
 */
@Timeout(60)
class TracingOffIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    /** Runs in the isolated class loader; takes "mode endpoint queueUrl", answers what happened. */
    public static final class Isolated implements Function<String, String> {

        @Override
        public String apply(String arguments) {
            String[] parts = arguments.split(" ");
            try {
                if (parts[0].equals("opentelemetry")) {
                    return "created " + io.github.sqsreliable.tracing.OpenTelemetryTracing.global();
                }
                try (software.amazon.awssdk.services.sqs.SqsAsyncClient client =
                             io.github.sqsreliable.test.internal.LocalClients.configure(
                                     software.amazon.awssdk.services.sqs.SqsAsyncClient.builder(),
                                     java.net.URI.create(parts[1]), null).build();
                     io.github.sqsreliable.SqsConsumer consumer = io.github.sqsreliable.SqsConsumer.builder()
                             .sqsClient(client).queueUrl(parts[2]).waitTime(java.time.Duration.ofSeconds(1))
                             .handler(message -> { }).build()) {
                    consumer.start();
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    while (consumer.metrics().deleted() < 1 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    return "deleted " + consumer.metrics().deleted();
                }
            } catch (Throwable e) {
                return "failed " + e;
            }
        }
    }

    private static String runIsolated(String arguments) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.contains("io/opentelemetry") || entry.contains("opentelemetry-")) {
                left.add(entry);
            } else if (!entry.isBlank()) {
                urls.add(toUrl(entry));
            }
        }
        assertThat(left).as("the OpenTelemetry jars on the test class path").isNotEmpty();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThat(Arrays.stream(new String[] {"io.opentelemetry.api.OpenTelemetry"}).map(name -> {
                try {
                    return loader.loadClass(name);
                } catch (ClassNotFoundException e) {
                    return null;
                }
            })).as("OpenTelemetry is absent from the isolated loader").containsOnlyNulls();
            @SuppressWarnings("unchecked")
            Function<String, String> isolated = (Function<String, String>) loader
                    .loadClass(Isolated.class.getName()).getDeclaredConstructor().newInstance();
            return isolated.apply(arguments);
        }
    }

    private static URL toUrl(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }

    @Test
    void aConsumerWithoutTracingRunsWithNoOpenTelemetryClassOnTheClassPath() throws Exception {
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        sqs.sendMessages(queueUrl, 1);

        assertThat(runIsolated("consume " + sqs.endpoint() + " " + queueUrl)).isEqualTo("deleted 1");
    }

    @Test
    void usingTheTracingPackageInThatClassLoaderFails() throws Exception {
        assertThat(runIsolated("opentelemetry")).startsWith("failed java.lang.NoClassDefFoundError: io/opentelemetry");
    }
}
