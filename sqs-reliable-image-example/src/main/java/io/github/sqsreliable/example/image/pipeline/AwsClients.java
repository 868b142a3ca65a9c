package io.github.sqsreliable.example.image.pipeline;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Builds the SDK clients with the pure-Java Netty async client, sized explicitly: the example should run wherever
 * Java does. (For throughput the README recommends the CRT client; the resize work, not SQS, bounds this
 * example.) With an endpoint
 * override and no AWS credentials in the environment, placeholder credentials are used, since local servers
 * (ElasticMQ, DynamoDB Local) accept any.
 */
public final class AwsClients {

    private AwsClients() {
    }

    /** An SQS client for {@code endpoint} (AWS's when {@code null}) in {@code region}. */
    public static SqsAsyncClient sqs(URI endpoint, String region) {
        var builder = SqsAsyncClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials(endpoint))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(100)
                        .connectionAcquisitionTimeout(Duration.ofSeconds(30)));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /** A DynamoDB client for {@code endpoint} (AWS's when {@code null}) in {@code region}. */
    public static DynamoDbAsyncClient dynamoDb(URI endpoint, String region) {
        var builder = DynamoDbAsyncClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials(endpoint))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(50));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(URI endpoint) {
        boolean local = endpoint != null && System.getenv("AWS_ACCESS_KEY_ID") == null
                && System.getenv("AWS_PROFILE") == null;
        return local ? StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))
                : DefaultCredentialsProvider.builder().build();
    }
}
