package io.github.sqsreliable.tools;

import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.internal.sqs.BatchAnswers;
import io.github.sqsreliable.internal.dedupe.Hashing;
import io.github.sqsreliable.internal.QueueUrls;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.internal.trace.XrayTraceHeader;
import io.github.sqsreliable.retry.FailureRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * One redrive: receive a batch, decide each message's target, send per target, delete what was sent; repeat
 * until the queue is empty or the limit is reached; then release what was held back. Not thread-safe: one run,
 * one thread. Never logs bodies or receipt handles.
 */
final class RedriveRun {

    private static final Logger log = LoggerFactory.getLogger(RedriveRun.class);

    /**
     * A SendMessageBatch may carry at most this many bytes in all (bodies plus attributes). SQS has since raised
     * it, but ElasticMQ and older regions have not; staying under it costs at most a few more requests.
     */
    static final int MAX_BATCH_PAYLOAD_BYTES = 256 * 1024;
    /** SQS's limit on MessageDeduplicationId. */
    static final int MAX_DEDUPLICATION_ID_LENGTH = 128;
    /**
     * Receives that return only messages this run has already handled (their visibility lapsed) before it gives
     * up: on a large queue SQS may sample only such messages once or twice although others remain.
     */
    private static final int MAX_RECEIVES_WITHOUT_NEW = 3;
    /** Entry failures of a delete that SQS blames on itself are tried this many times in all. */
    private static final int DELETE_ATTEMPTS = 3;

    private final DeadLetterQueue dlq;
    private final RedriveRequest request;
    private final Consumer<RedriveProgress> progress;
    private final long startedNanos = System.nanoTime();

    /** Every message id this run has received, so that a message is counted once even if received again. */
    private final Set<String> seen = new HashSet<>();
    /** Messages left in the queue (skipped, or their send failed), by id, with their latest receipt handle. */
    private final Map<String, String> held = new LinkedHashMap<>();
    /** FIFO groups, per target, with a message that failed to move: later ones would overtake it. */
    private final Set<String> blockedGroups = new HashSet<>();
    private final Map<String, Long> movedByTarget = new LinkedHashMap<>();
    private final List<RedriveResult.Failure> failures = new ArrayList<>();
    private long moved;
    private long skipped;
    private long failed;
    private long sentButNotDeleted;

    RedriveRun(DeadLetterQueue dlq, RedriveRequest request, Consumer<RedriveProgress> progress) {
        this.dlq = dlq;
        this.request = request;
        this.progress = progress;
    }

    RedriveResult run() {
        long limit = request.maxMessages().orElse(Long.MAX_VALUE);
        try {
            int receivesWithoutNew = 0;
            while (moved + failed < limit) {
                int wanted = (int) Math.min(SqsLimits.MAX_RECEIVE_BATCH, limit - moved - failed);
                List<Message> received = dlq.receive(wanted, request.visibilityTimeout());
                if (received.isEmpty()) {
                    break;
                }
                List<Message> fresh = new ArrayList<>();
                for (Message message : received) {
                    if (seen.add(message.messageId())) {
                        fresh.add(message);
                    } else {
                        // Received again after its visibility lapsed: only the newest handle can release it.
                        held.put(message.messageId(), message.receiptHandle());
                    }
                }
                if (fresh.isEmpty()) {
                    if (++receivesWithoutNew >= MAX_RECEIVES_WITHOUT_NEW) {
                        break;
                    }
                    continue;
                }
                receivesWithoutNew = 0;
                moveBatch(fresh);
                progress.accept(new RedriveProgress(moved, skipped, failed, elapsed()));
            }
        } catch (SqsReliableException e) {
            throw new SqsReliableException("redrive from " + dlq.url() + " stopped after moving " + moved
                    + " message(s) (skipped " + skipped + ", failed " + failed + "): " + e.getMessage(), e);
        } finally {
            dlq.release(held);
        }
        RedriveResult result = new RedriveResult(moved, skipped, failed, sentButNotDeleted, movedByTarget, failures,
                elapsed());
        log.info("redrive from {}: moved {}, skipped {}, failed {} in {}", dlq.url(), moved, skipped, failed,
                result.elapsed());
        return result;
    }

    /** A message on its way to a target, with what it carries there. */
    private record Outgoing(Message message, String target, String groupId) {
    }

    private void moveBatch(List<Message> batch) {
        Map<String, List<Outgoing>> byTarget = new LinkedHashMap<>();
        for (Message message : batch) {
            Outgoing outgoing = plan(message);
            if (outgoing != null) {
                byTarget.computeIfAbsent(outgoing.target(), target -> new ArrayList<>()).add(outgoing);
            }
        }
        List<Outgoing> sent = new ArrayList<>();
        byTarget.forEach((target, messages) -> {
            // In receive order, one chunk after the other: a FIFO group's messages arrive in the order SQS gave them.
            for (List<Outgoing> chunk : chunks(messages)) {
                List<Outgoing> sendable = new ArrayList<>();
                for (Outgoing outgoing : chunk) {
                    if (blockedGroups.contains(groupKey(outgoing))) {
                        fail(outgoing.message(), "an earlier message of its group " + outgoing.groupId()
                                + " failed to move, and it must not overtake it");
                    } else {
                        sendable.add(outgoing);
                    }
                }
                if (!sendable.isEmpty()) {
                    sent.addAll(send(target, sendable));
                }
            }
        });
        delete(sent);
    }

    /** @return where the message goes, or null if it stays (counted and held here) */
    private Outgoing plan(Message message) {
        String id = message.messageId();
        Optional<FailureRecord> record = failureRecord(message);
        if (request.errorClass().isPresent() && !record.map(r -> request.matches(r.errorClass())).orElse(false)) {
            skip(message);
            return null;
        }
        Optional<String> target = request.targetQueueUrl().or(() -> record.map(FailureRecord::originQueueUrl));
        if (target.isEmpty()) {
            log.debug("message {} has no {} and no target was given; it stays", id, FailureRecord.ATTRIBUTE_NAME);
            skip(message);
            return null;
        }
        String groupId = message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
        if (target.get().equals(dlq.url())) {
            return fail(message, "its origin is the dead-letter queue itself");
        }
        if (QueueUrls.isFifo(target.get()) && groupId == null) {
            return fail(message, "it has no MessageGroupId, which FIFO queue " + target.get() + " requires");
        }
        return new Outgoing(message, target.get(), groupId);
    }

    private Optional<FailureRecord> failureRecord(Message message) {
        try {
            return FailureRecord.of(message.messageAttributes());
        } catch (IllegalArgumentException e) {
            log.warn("message {} in {} has an unreadable {}; treating it as a message without one: {}",
                    message.messageId(), dlq.url(), FailureRecord.ATTRIBUTE_NAME,
                    FailureRecord.sanitize(e.getMessage()));
            return Optional.empty();
        }
    }

    private void skip(Message message) {
        skipped++;
        held.put(message.messageId(), message.receiptHandle());
    }

    private Outgoing fail(Message message, String why) {
        log.warn("message {} in {} stays: {}", message.messageId(), dlq.url(), why);
        countFailure(message, why);
        held.put(message.messageId(), message.receiptHandle());
        return null;
    }

    private void countFailure(Message message, String reason) {
        failed++;
        if (failures.size() < RedriveResult.MAX_FAILURES_REPORTED) {
            failures.add(new RedriveResult.Failure(message.messageId(), reason));
        }
    }

    /** Splits a target's messages into requests of at most 10 entries and {@link #MAX_BATCH_PAYLOAD_BYTES}. */
    private static List<List<Outgoing>> chunks(List<Outgoing> messages) {
        List<List<Outgoing>> chunks = new ArrayList<>();
        List<Outgoing> current = new ArrayList<>();
        long bytes = 0;
        for (Outgoing outgoing : messages) {
            long size = payloadBytes(outgoing.message());
            if (!current.isEmpty() && (current.size() == SqsLimits.MAX_BATCH_ENTRIES
                    || bytes + size > MAX_BATCH_PAYLOAD_BYTES)) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(outgoing);
            bytes += size;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    /** SQS counts the body and each attribute's name, type and value towards the size of a message. */
    private static long payloadBytes(Message message) {
        long bytes = utf8Length(message.body());
        for (Map.Entry<String, MessageAttributeValue> attribute : copiedAttributes(message).entrySet()) {
            MessageAttributeValue value = attribute.getValue();
            bytes += utf8Length(attribute.getKey()) + utf8Length(value.dataType());
            bytes += value.stringValue() != null ? utf8Length(value.stringValue())
                    : value.binaryValue() != null ? value.binaryValue().asByteArray().length : 0;
        }
        return bytes;
    }

    private static long utf8Length(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The X-Ray trace header the dead-lettered message arrived with, so that the redriven copy continues its trace:
     * SQS copies no system attribute by itself. A malformed one is left behind (SQS would refuse the send).
     */
    private static Optional<String> traceHeader(Message message) {
        String header = message.attributes().get(MessageSystemAttributeName.AWS_TRACE_HEADER);
        if (header != null && XrayTraceHeader.parse(header).isEmpty()) {
            log.debug("message {}: not passing on its malformed AWSTraceHeader", message.messageId());
            return Optional.empty();
        }
        return Optional.ofNullable(header);
    }

    /** The original attributes without the failure record: the moved message starts its retries afresh. */
    private static Map<String, MessageAttributeValue> copiedAttributes(Message message) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>(message.messageAttributes());
        attributes.remove(FailureRecord.ATTRIBUTE_NAME);
        return attributes;
    }

    /**
     * Sends one request's worth to a target and checks every entry.
     *
     * @return the entries SQS confirmed, in request order
     */
    private List<Outgoing> send(String target, List<Outgoing> chunk) {
        boolean fifo = QueueUrls.isFifo(target);
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            Message message = chunk.get(i).message();
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .messageBody(message.body())
                    .messageAttributes(copiedAttributes(message));
            if (fifo) {
                entry.messageGroupId(chunk.get(i).groupId()).messageDeduplicationId(deduplicationId(message));
            }
            traceHeader(message).ifPresent(header -> entry.messageSystemAttributes(Map.of(
                    MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                    MessageSystemAttributeValue.builder().dataType("String").stringValue(header).build())));
            entries.add(entry.build());
        }
        SendMessageBatchResponse response;
        try {
            response = DeadLetterQueue.await(() -> dlq.client().sendMessageBatch(SendMessageBatchRequest.builder()
                    .queueUrl(target).entries(entries).build()), "SendMessageBatch", target);
        } catch (SqsReliableException e) {
            log.warn("could not send {} message(s) to {}; they stay in {}: {}", chunk.size(), target, dlq.url(),
                    e.getMessage());
            chunk.forEach(outgoing -> sendFailed(outgoing, "SendMessageBatch to " + target + " failed: "
                    + FailureRecord.sanitize(String.valueOf(e.getCause()))));
            return List.of();
        }
        Set<String> confirmed = BatchAnswers.confirmedIds(response.successful(), entry -> entry.id());
        Map<String, BatchResultErrorEntry> refused = BatchAnswers.refusedById(response.failed());
        List<Outgoing> sent = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            Outgoing outgoing = chunk.get(i);
            String entryId = Integer.toString(i);
            if (confirmed.contains(entryId) && !refused.containsKey(entryId)) {
                sent.add(outgoing);
                continue;
            }
            BatchResultErrorEntry error = refused.get(entryId);
            // Only the code: keep SQS's wording, which may quote what was sent, out of the log.
            String why = error == null ? "SQS did not answer for the entry"
                    : error.code() + (Boolean.TRUE.equals(error.senderFault()) ? " (sender fault)" : "");
            log.warn("SQS did not take message {} for {}: {}; it stays in {}", outgoing.message().messageId(),
                    target, why, dlq.url());
            sendFailed(outgoing, "send to " + target + " refused: " + why);
        }
        return sent;
    }

    private void sendFailed(Outgoing outgoing, String reason) {
        countFailure(outgoing.message(), reason);
        held.put(outgoing.message().messageId(), outgoing.message().receiptHandle());
        if (outgoing.groupId() != null && QueueUrls.isFifo(outgoing.target())) {
            blockedGroups.add(groupKey(outgoing));
        }
    }

    private static String groupKey(Outgoing outgoing) {
        return outgoing.target() + " " + outgoing.groupId();
    }

    /** Deletes from the dead-letter queue what reached its target; only then does a message count as moved. */
    private void delete(List<Outgoing> sent) {
        List<Outgoing> pending = sent;
        for (int attempt = 1; attempt <= DELETE_ATTEMPTS && !pending.isEmpty(); attempt++) {
            List<Outgoing> retry = new ArrayList<>();
            for (int start = 0; start < pending.size(); start += SqsLimits.MAX_BATCH_ENTRIES) {
                List<Outgoing> chunk = pending.subList(start, Math.min(start + SqsLimits.MAX_BATCH_ENTRIES,
                        pending.size()));
                retry.addAll(deleteChunk(chunk, attempt == DELETE_ATTEMPTS));
            }
            pending = retry;
        }
    }

    /** @return the entries worth another try (SQS blamed itself and this was not the last attempt) */
    private List<Outgoing> deleteChunk(List<Outgoing> chunk, boolean lastAttempt) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(chunk.get(i).message().receiptHandle()).build());
        }
        DeleteMessageBatchResponse response;
        try {
            response = DeadLetterQueue.await(() -> dlq.client().deleteMessageBatch(DeleteMessageBatchRequest.builder()
                    .queueUrl(dlq.url()).entries(entries).build()), "DeleteMessageBatch", dlq.url());
        } catch (SqsReliableException e) {
            // The SDK has already retried the request itself.
            log.warn("could not delete {} message(s) from {} after sending them: {}", chunk.size(), dlq.url(),
                    e.getMessage());
            chunk.forEach(outgoing -> notDeleted(outgoing, "DeleteMessageBatch failed: "
                    + FailureRecord.sanitize(String.valueOf(e.getCause()))));
            return List.of();
        }
        Set<String> confirmed = BatchAnswers.confirmedIds(response.successful(), entry -> entry.id());
        Map<String, BatchResultErrorEntry> refused = BatchAnswers.refusedById(response.failed());
        List<Outgoing> retry = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            Outgoing outgoing = chunk.get(i);
            String entryId = Integer.toString(i);
            BatchResultErrorEntry error = refused.get(entryId);
            if (confirmed.contains(entryId) && error == null) {
                moved++;
                movedByTarget.merge(outgoing.target(), 1L, Long::sum);
            } else if (error != null && !Boolean.TRUE.equals(error.senderFault()) && !lastAttempt) {
                retry.add(outgoing);
            } else {
                // SQS's message for a refused delete may quote the receipt handle: log only the code.
                notDeleted(outgoing, error == null ? "SQS did not answer for the entry" : error.code());
            }
        }
        return retry;
    }

    private void notDeleted(Outgoing outgoing, String why) {
        log.warn("message {} was sent to {} but could not be deleted from {} ({}): it is now in both queues",
                outgoing.message().messageId(), outgoing.target(), dlq.url(), why);
        countFailure(outgoing.message(), "sent to " + outgoing.target() + " but not deleted from the dead-letter "
                + "queue (" + why + "): it is in both queues");
        sentButNotDeleted++;
    }

    /**
     * A FIFO deduplication id derived from the dead-letter copy's message id: a second redrive of the same message
     * within SQS's five-minute deduplication window (after a refused delete) is then dropped by the target.
     */
    static String deduplicationId(Message message) {
        String id = message.messageId();
        if (id.length() <= MAX_DEDUPLICATION_ID_LENGTH && id.chars().allMatch(c -> c >= '!' && c <= '~')) {
            return id;
        }
        return Hashing.sha256Hex(id);
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
