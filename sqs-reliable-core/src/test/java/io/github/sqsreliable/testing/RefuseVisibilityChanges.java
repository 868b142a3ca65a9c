package io.github.sqsreliable.testing;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Makes a client behave as one whose IAM policy lacks {@code sqs:ChangeMessageVisibility}: every
 * ChangeMessageVisibility and ChangeMessageVisibilityBatch request fails, before it is sent, with a real
 * {@link SqsException} carrying error code {@code AccessDenied} and status 403, as SQS answers such a request.
 * ElasticMQ has no IAM, so the refusal is made here; every other request reaches the server.
 */
public final class RefuseVisibilityChanges implements ExecutionInterceptor {

    private final AtomicInteger refused = new AtomicInteger();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof ChangeMessageVisibilityBatchRequest
                || context.request() instanceof ChangeMessageVisibilityRequest) {
            refused.incrementAndGet();
            throw SqsException.builder()
                    .statusCode(403)
                    .message("User: arn:aws:iam::000000000000:user/consumer is not authorized to perform: "
                            + "sqs:changemessagevisibility on resource: the test queue")
                    .awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("AccessDenied")
                            .errorMessage("Access to the resource is denied.")
                            .serviceName("Sqs")
                            .build())
                    .build();
        }
    }

    /** @return how many requests were refused */
    public int refused() {
        return refused.get();
    }
}
