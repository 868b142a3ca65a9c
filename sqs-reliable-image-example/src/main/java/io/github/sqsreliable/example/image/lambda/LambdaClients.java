package io.github.sqsreliable.example.image.lambda;

import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The SDK clients of the no-argument constructors: region and credentials from the Lambda environment, each HTTP
 * client named, since the jar holds several. One set per execution environment, never closed: Lambda freezes and
 * discards the environment.
 */
final class LambdaClients {

    private LambdaClients() {
    }

    static SqsAsyncClient sqs() {
        return SqsAsyncClient.builder().httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
    }

    static DynamoDbAsyncClient dynamoDb() {
        return DynamoDbAsyncClient.builder().httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
    }

    static S3Client s3() {
        return S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }
}
