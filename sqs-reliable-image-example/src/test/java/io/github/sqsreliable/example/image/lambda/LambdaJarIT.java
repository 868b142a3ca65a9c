package io.github.sqsreliable.example.image.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar docs/template.yaml deploys: both handlers load from it alone (no other class path, as in Lambda),
 * with what they need, and without the polling form's extras.
 */
class LambdaJarIT {

    private static final Path JAR = Path.of(System.getProperty("image.lambda.jar",
            "target/sqs-reliable-image-example-lambda.jar"));

    @Test
    void holdsBothFunctionsAndWhatTheyNeedButNotThePollingFormsExtras() throws IOException {
        assertThat(JAR).isRegularFile();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> entries = jar.stream().map(ZipEntry::getName).toList();

            assertThat(entries).contains(
                    "io/github/sqsreliable/example/image/lambda/ResizeFunction.class",
                    "io/github/sqsreliable/example/image/lambda/CatalogFunction.class",
                    "io/github/sqsreliable/lambda/SqsBatchFunction.class",
                    "io/github/sqsreliable/dynamo/DynamoDbIdempotencyStore.class",
                    "com/amazonaws/services/lambda/runtime/RequestHandler.class",
                    "com/amazonaws/services/lambda/runtime/events/SQSEvent.class",
                    "software/amazon/awssdk/services/s3/S3Client.class",
                    "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class",
                    "software/amazon/awssdk/http/nio/netty/NettyNioAsyncHttpClient.class");
            assertThat(entries).noneMatch(name -> name.startsWith("org/elasticmq/") || name.startsWith("io/lettuce/")
                    || name.startsWith("picocli/") || name.startsWith("scala/")
                    || name.startsWith("software/amazon/awssdk/http/apache/"));
        }
    }

    @Test
    void eachHandlerLoadsFromTheJarAloneAndNamesTheFirstMissingVariable() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {JAR.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> requestHandler = loader.loadClass("com.amazonaws.services.lambda.runtime.RequestHandler");
            for (var handler : List.of(
                    List.of("io.github.sqsreliable.example.image.lambda.ResizeFunction", "RESIZE_QUEUE_URL"),
                    List.of("io.github.sqsreliable.example.image.lambda.CatalogFunction", "CATALOG_RETRY_QUEUE_URL"))) {
                Class<?> function = loader.loadClass(handler.get(0));

                assertThat(requestHandler.isAssignableFrom(function)).as(handler.get(0)).isTrue();
                assertThatThrownBy(() -> newInstance(function))
                        .as(handler.get(0))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("environment variable " + handler.get(1) + " is not set");
            }
        }
    }

    @Test
    void staysWellBelowLambdasLimitForADeploymentPackage() throws IOException {
        // 250 MB unzipped is Lambda's limit; the jar is compressed, so this bounds it loosely.
        assertThat(Files.size(JAR)).isLessThan(100L * 1024 * 1024);
    }

    private static Object newInstance(Class<?> type) throws Throwable {
        try {
            return type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
