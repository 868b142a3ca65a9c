package io.github.sqsreliable.it;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Makes the embedded ElasticMQ keep SQS's size rules, which ElasticMQ 1.7.1 does not: it neither reports nor
 * enforces a queue's MaximumMessageSize, and it checks only the body's length in characters against 1 MiB,
 * leaving message attributes out. This interceptor, on the consumer's client, reports each queue's
 * MaximumMessageSize in GetQueueAttributes answers (1,048,576, SQS's maximum, unless set here) and refuses a
 * SendMessage larger than it exactly as SQS does: 400 {@code InvalidParameterValue}, "One or more parameters are
 * invalid. Reason: Message must be shorter than N bytes." The size is counted as SQS documents it, independently of
 * the library's own computation: the body's UTF-8 bytes plus each attribute's name, data type and value.
 */
final class SqsSizeRules implements ExecutionInterceptor {

    static final int SQS_MAXIMUM = 1_048_576;

    private final Map<String, Integer> limits = new ConcurrentHashMap<>();
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();

    /** Sets a queue's MaximumMessageSize. */
    SqsSizeRules limit(String queueUrl, int bytes) {
        limits.put(queueUrl, bytes);
        return this;
    }

    /** Leaves a queue's MaximumMessageSize out of GetQueueAttributes answers, as if the client may not read it. */
    SqsSizeRules hideLimit(String queueUrl) {
        unreadable.add(queueUrl);
        return this;
    }

    static long sizeOf(String body, Map<String, MessageAttributeValue> attributes) {
        long size = body.getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, MessageAttributeValue> attribute : attributes.entrySet()) {
            MessageAttributeValue value = attribute.getValue();
            size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length
                    + value.dataType().getBytes(StandardCharsets.UTF_8).length
                    + (value.stringValue() != null ? value.stringValue().getBytes(StandardCharsets.UTF_8).length
                    : value.binaryValue().asByteArray().length);
        }
        return size;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof SendMessageRequest send) {
            int limit = limits.getOrDefault(send.queueUrl(), SQS_MAXIMUM);
            if (sizeOf(send.messageBody(), send.messageAttributes()) > limit) {
                throw SqsException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("InvalidParameterValue").serviceName("Sqs")
                        .errorMessage("One or more parameters are invalid. Reason: Message must be shorter than "
                                + limit + " bytes.").build()).build();
            }
        }
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (context.response() instanceof GetQueueAttributesResponse response
                && request instanceof GetQueueAttributesRequest get && !unreadable.contains(get.queueUrl())
                && (get.attributeNames().contains(QueueAttributeName.MAXIMUM_MESSAGE_SIZE)
                        || get.attributeNames().contains(QueueAttributeName.ALL))) {
            Map<String, String> reported = new HashMap<>(response.attributesAsStrings());
            reported.put(QueueAttributeName.MAXIMUM_MESSAGE_SIZE.toString(),
                    Integer.toString(limits.getOrDefault(get.queueUrl(), SQS_MAXIMUM)));
            return response.toBuilder().attributesWithStrings(reported).build();
        }
        return context.response();
    }
}
