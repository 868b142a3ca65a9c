package io.github.sqsreliable.example.image.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.example.image.pipeline.Ingress;
import io.github.sqsreliable.example.image.pipeline.BlobStatusBoard;
import io.github.sqsreliable.example.image.storage.LocalDirectoryBlobStore;
import io.github.sqsreliable.publish.SqsPublisher;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

class ApiServerConfigTest {

    @TempDir
    Path dir;

    // Never called: building a client opens no connection. One for all tests, as closing one takes seconds.
    private static SqsAsyncClient sqs;
    private static SqsPublisher publisher;

    private ApiServer.Config.Builder builder;

    @BeforeAll
    static void createClient() {
        sqs = SqsAsyncClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create("http://127.0.0.1:9"))
                .credentialsProvider(AnonymousCredentialsProvider.create()).build();
        publisher = SqsPublisher.builder().sqsClient(sqs).build();
    }

    @AfterAll
    static void closeClient() {
        publisher.close();
        sqs.close();
    }

    @BeforeEach
    void completeBuilder() {
        LocalDirectoryBlobStore blobs = LocalDirectoryBlobStore.create(dir.resolve("blobs"));
        BlobStatusBoard board = BlobStatusBoard.open(dir.resolve("status"));
        builder = ApiServer.Config.builder()
                .address(new InetSocketAddress("127.0.0.1", 0))
                .ingress(new Ingress(publisher, "http://127.0.0.1:9/q.fifo", blobs, board, 1000, Clock.systemUTC()))
                .board(board)
                .blobs(blobs);
    }

    @Test
    void defaultsThreadsGraceAndEmptyMetrics() {
        ApiServer.Config config = builder.build();

        assertThat(config.threads()).isEqualTo(ApiServer.DEFAULT_THREADS);
        assertThat(config.shutdownGrace()).isEqualTo(ApiServer.DEFAULT_SHUTDOWN_GRACE);
        assertThat(config.consumerMetrics().get()).isEmpty();
        assertThat(config.pipelineCounters().get()).isEmpty();
        assertThat(config.queueDepths().get()).isEmpty();
        assertThat(config.meters().getMeters()).isEmpty();
    }

    @Test
    void requiresAnAddress() {
        assertThatThrownBy(() -> builder.address(null).build()).isInstanceOf(NullPointerException.class)
                .hasMessage("address is required");
    }

    @Test
    void requiresAnIngress() {
        assertThatThrownBy(() -> builder.ingress(null).build()).isInstanceOf(NullPointerException.class)
                .hasMessage("ingress is required");
    }

    @Test
    void requiresABoard() {
        assertThatThrownBy(() -> builder.board(null).build()).isInstanceOf(NullPointerException.class)
                .hasMessage("board is required");
    }

    @Test
    void requiresBlobs() {
        assertThatThrownBy(() -> builder.blobs(null).build()).isInstanceOf(NullPointerException.class)
                .hasMessage("blobs is required");
    }

    @Test
    void rejectsThreadsOutOfRange() {
        assertThatThrownBy(() -> builder.threads(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads (0) must be between 1 and 256");
        assertThatThrownBy(() -> builder.threads(257).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads (257) must be between 1 and 256");
    }

    @Test
    void rejectsANegativeOrHugeShutdownGrace() {
        assertThatThrownBy(() -> builder.shutdownGrace(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shutdownGrace (PT-0.001S) must be between PT0S and PT1M");
        assertThatThrownBy(() -> builder.shutdownGrace(Duration.ofMinutes(2)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shutdownGrace (PT2M) must be between PT0S and PT1M");
    }

    @Test
    void startsOnAFreePortAndNamesItsThreads() throws Exception {
        try (ApiServer api = ApiServer.start(builder.threads(2).build())) {
            assertThat(api.port()).isPositive();
            assertThat(api.baseUri()).isEqualTo(URI.create("http://127.0.0.1:" + api.port() + "/"));
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(api.baseUri().resolve("/metrics")).build(), BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Thread.getAllStackTraces().keySet()).anySatisfy(thread -> {
                assertThat(thread.getName()).matches("image-api-\\d+");
                assertThat(thread.isDaemon()).isTrue();
            });
        }
    }
}
