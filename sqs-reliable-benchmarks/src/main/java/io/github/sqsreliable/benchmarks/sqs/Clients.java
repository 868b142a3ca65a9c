package io.github.sqsreliable.benchmarks.sqs;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The SQS clients the benchmark compares, each built the way a careful engineer would configure it. */
public final class Clients {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));

    private Clients() {
    }

    /** The async HTTP clients the benchmark can run the library and the async raw loop with. */
    public enum AsyncKind {
        /** The SDK's Netty client (pure Java). */
        NETTY,
        /** The SDK's CRT client (native). */
        CRT
    }

    /** A sync client on the Apache HTTP client. */
    public static SqsClient apacheSync(URI endpoint, ExecutionInterceptor counter) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(counter).build())
                .build();
    }

    /** An async client of {@code kind}. */
    public static SqsAsyncClient async(AsyncKind kind, URI endpoint, ExecutionInterceptor counter) {
        var builder = SqsAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(counter).build());
        return switch (kind) {
            case NETTY -> builder.httpClientBuilder(NettyNioAsyncHttpClient.builder()
                    .maxConcurrency(256)
                    .connectionAcquisitionTimeout(Duration.ofSeconds(30))).build();
            case CRT -> builder.httpClientBuilder(AwsCrtAsyncHttpClient.builder()
                    .maxConcurrency(256)
                    .connectionAcquisitionTimeout(Duration.ofSeconds(30))).build();
        };
    }
}
