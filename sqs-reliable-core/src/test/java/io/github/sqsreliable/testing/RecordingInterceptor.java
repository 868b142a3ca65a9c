package io.github.sqsreliable.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Records every SQS request a client sends, with the receipt handles it carries and when it started and
 * finished, so tests can check the order of extensions and deletes and count requests per API.
 */
public final class RecordingInterceptor implements ExecutionInterceptor {

    /**
     * One request.
     *
     * @param operation the SDK request class's simple name, e.g. {@code DeleteMessageBatchRequest}
     * @param receiptHandles the receipt handles it carries
     * @param visibilityTimeouts the visibility timeouts it sets, parallel to {@code receiptHandles} (empty for deletes)
     * @param startedNanos {@link System#nanoTime()} before it was sent
     */
    public record Call(String operation, List<String> receiptHandles, List<Integer> visibilityTimeouts,
                       long startedNanos) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Long> finishedNanos = new CopyOnWriteArrayList<>();
    private final List<Call> finishedCalls = new CopyOnWriteArrayList<>();
    private final Map<String, List<String>> receiptHandlesByMessageId = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.add(describe(context.request()));
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        finishedCalls.add(describe(context.request()));
        finishedNanos.add(System.nanoTime());
        if (context.response() instanceof ReceiveMessageResponse received) {
            for (Message message : received.messages()) {
                receiptHandlesByMessageId.computeIfAbsent(message.messageId(), id -> new CopyOnWriteArrayList<>())
                        .add(message.receiptHandle());
            }
        }
    }

    /**
     * @param receiptHandle a receipt handle this client received
     * @return the id of the message it belongs to
     */
    public String messageIdOf(String receiptHandle) {
        return receiptHandlesByMessageId.entrySet().stream()
                .filter(e -> e.getValue().contains(receiptHandle))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no message was received with that receipt handle"));
    }

    /**
     * @param messageId a message id
     * @return the receipt handles it was received with, in order
     */
    public List<String> receiptHandles(String messageId) {
        return List.copyOf(receiptHandlesByMessageId.getOrDefault(messageId, List.of()));
    }

    /** @return every request started so far */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /**
     * @param operation e.g. {@code ChangeMessageVisibilityBatchRequest}
     * @return the requests of that kind started so far
     */
    public List<Call> calls(String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }

    /**
     * @param receiptHandle a receipt handle
     * @return the latest time a visibility change carrying it finished, or {@code Long.MIN_VALUE}
     */
    public long lastVisibilityChangeFinished(String receiptHandle) {
        long last = Long.MIN_VALUE;
        for (int i = 0; i < finishedCalls.size(); i++) {
            Call call = finishedCalls.get(i);
            if (call.operation().startsWith("ChangeMessageVisibility") && call.receiptHandles().contains(receiptHandle)) {
                last = Math.max(last, finishedNanos.get(i));
            }
        }
        return last;
    }

    private static Call describe(SdkRequest request) {
        List<String> handles = new ArrayList<>();
        List<Integer> timeouts = new ArrayList<>();
        if (request instanceof DeleteMessageBatchRequest batch) {
            batch.entries().stream().map(DeleteMessageBatchRequestEntry::receiptHandle).forEach(handles::add);
        } else if (request instanceof DeleteMessageRequest single) {
            handles.add(single.receiptHandle());
        } else if (request instanceof ChangeMessageVisibilityBatchRequest batch) {
            for (ChangeMessageVisibilityBatchRequestEntry entry : batch.entries()) {
                handles.add(entry.receiptHandle());
                timeouts.add(entry.visibilityTimeout());
            }
        } else if (request instanceof ChangeMessageVisibilityRequest single) {
            handles.add(single.receiptHandle());
            timeouts.add(single.visibilityTimeout());
        }
        return new Call(request.getClass().getSimpleName(), List.copyOf(handles), List.copyOf(timeouts),
                System.nanoTime());
    }
}
