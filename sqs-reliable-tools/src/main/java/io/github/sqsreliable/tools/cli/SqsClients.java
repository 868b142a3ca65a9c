package io.github.sqsreliable.tools.cli;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/** Builds the SQS client a command uses, from its options. */
final class SqsClients {

    private SqsClients() {
    }

    /**
     * A client for the options' endpoint and region; the caller closes it.
     *
     * @throws software.amazon.awssdk.core.exception.SdkException when the SDK finds no region
     */
    static SqsAsyncClient create(RedriveOptions options) {
        // DeadLetterRedrive takes an async client, and Netty is the SDK's async HTTP client; named here so that
        // the SDK does not have to look it up on the class path of a shaded jar.
        SqsAsyncClientBuilder builder = SqsAsyncClient.builder().httpClientBuilder(NettyNioAsyncHttpClient.builder());
        options.endpoint().ifPresent(builder::endpointOverride);
        if (options.region().isPresent()) {
            builder.region(Region.of(options.region().get()));
        } else if (options.endpoint().isPresent()) {
            // A custom endpoint needs a region only for signing; us-east-1 is what local SQS servers expect.
            builder.region(Region.US_EAST_1);
        }
        if (options.endpointIsLoopback()) {
            // A local SQS does not check signatures; a remote endpoint (a VPC endpoint) is real SQS and does.
            builder.credentialsProvider(AnonymousCredentialsProvider.create());
        }
        return builder.build();
    }
}
