package io.github.sqsreliable.test.internal;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkAsyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;

/** Configures the async SDK clients of the embedded servers the same way, whatever the service. Not API. */
public final class LocalClients {

    private LocalClients() {
    }

    /**
     * @param builder a service's async client builder
     * @param endpoint the local server
     * @param apiCallTimeout the time limit of each call, retries included; null for the SDK's default (none)
     * @param interceptors interceptors to observe or alter requests and responses
     * @param <B> the builder's type
     * @return {@code builder}, with fixed credentials, a region and a Netty client of up to 200 connections
     */
    public static <B extends AwsClientBuilder<B, ?> & SdkAsyncClientBuilder<B, ?>> B configure(
            B builder, URI endpoint, Duration apiCallTimeout, ExecutionInterceptor... interceptors) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
        for (ExecutionInterceptor interceptor : interceptors) {
            override.addExecutionInterceptor(interceptor);
        }
        if (apiCallTimeout != null) {
            override.apiCallTimeout(apiCallTimeout);
        }
        return builder
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(200)
                        .connectionAcquisitionTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(override.build());
    }
}
