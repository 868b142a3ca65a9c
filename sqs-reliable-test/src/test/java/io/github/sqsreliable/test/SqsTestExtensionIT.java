package io.github.sqsreliable.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@Timeout(30)
@ExtendWith(SqsTestExtension.class)
class SqsTestExtensionIT {

    private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();

    @AfterAll
    static void everyQueueIsDeletedAfterItsTest() {
        List<String> remaining = EmbeddedSqs.shared().client().listQueues().join().queueUrls();
        assertThat(CREATED).isNotEmpty();
        assertThat(remaining).doesNotContainAnyElementsOf(CREATED);
    }

    @Test
    void injectsTheSharedClientAndServer(SqsAsyncClient client, EmbeddedSqs sqs) {
        assertThat(sqs).isSameAs(EmbeddedSqs.shared());
        assertThat(client).isSameAs(sqs.client());
    }

    @Test
    void aPlainQueueIsAStandardQueueNamedAfterTheTestWithSqsDefaultVisibility(EmbeddedSqs sqs, TestQueue queue) {
        assertThat(queue.fifo()).isFalse();
        assertThat(queue.name()).startsWith("aPlainQueueIsAStandardQueueNamedAfterTheTest").hasSizeLessThanOrEqualTo(80);
        assertThat(queue.url()).endsWith("/" + queue.name());
        assertThat(attributes(sqs, queue.url())).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "30")
                .doesNotContainKey(QueueAttributeName.REDRIVE_POLICY);
    }

    @Test
    void everyParameterGetsItsOwnQueue(TestQueue first, TestQueue second) {
        assertThat(first.url()).isNotEqualTo(second.url());
    }

    @Test
    void aFifoQueueWithADeadLetterQueueHasAFifoDeadLetterQueue(EmbeddedSqs sqs,
            @QueueOptions(fifo = true, deadLetterQueue = true, visibilityTimeout = "PT2S") TestQueue queue) {
        assertThat(queue.fifo()).isTrue();
        assertThat(queue.name()).endsWith(".fifo");
        assertThat(queue.deadLetterQueueUrl()).endsWith("-dlq.fifo");
        assertThat(attributes(sqs, queue.url())).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "2")
                .containsEntry(QueueAttributeName.FIFO_QUEUE, "true");
        assertThat(attributes(sqs, queue.deadLetterQueueUrl())).containsEntry(QueueAttributeName.FIFO_QUEUE, "true");
    }

    @Test
    void aDeadLetterQueueGetsARedrivePolicyOnlyWithAMaxReceiveCount(EmbeddedSqs sqs,
            @QueueOptions(deadLetterQueue = true) TestQueue routedByTheConsumer,
            @QueueOptions(deadLetterQueue = true, maxReceiveCount = 3) TestQueue redrivenBySqs) {
        assertThat(attributes(sqs, routedByTheConsumer.url())).doesNotContainKey(QueueAttributeName.REDRIVE_POLICY);
        assertThat(attributes(sqs, redrivenBySqs.url()).get(QueueAttributeName.REDRIVE_POLICY))
                .contains(sqs.queueArn(redrivenBySqs.deadLetterQueueUrl()))
                .containsPattern("\"maxReceiveCount\":\"?3\"?}");
    }

    @Test
    void aRetryQueueIsCreatedBesideTheQueue(EmbeddedSqs sqs, @QueueOptions(retryQueue = true) TestQueue queue) {
        CREATED.addAll(List.of(queue.url(), queue.retryQueueUrl()));
        assertThat(queue.retryQueueUrl()).endsWith(queue.name() + "-retry");
        assertThat(sqs.counts(queue.retryQueueUrl()).total()).isZero();
    }

    @Test
    void sendsMessagesToAFifoQueueInOrder(EmbeddedSqs sqs, @QueueOptions(fifo = true) TestQueue queue) {
        sqs.sendMessages(queue.url(), 12);
        sqs.sendMessages(queue.url(), 3);

        List<String> bodies = sqs.takeAll(queue.url()).stream().map(m -> m.body()).toList();

        assertThat(bodies).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "0", "1", "2");
    }

    private static Map<QueueAttributeName, String> attributes(EmbeddedSqs sqs, String queueUrl) {
        GetQueueAttributesResponse response = sqs.client().getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.ALL)).join();
        return response.attributes();
    }
}
