package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The embedded ElasticMQ (1.7.1) keeps the {@code AWSTraceHeader} system attribute as SQS does, so the tracing tests
 * can check what a copy carries on the queue itself, not on recorded requests: it accepts it on SendMessage and
 * SendMessageBatch, and returns it when a receive asks for {@code AWSTraceHeader} or {@code All}, and only then.
 */
class ElasticMqTraceHeaderIT {

    private static final String HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    private List<Message> receive(String queueUrl, MessageSystemAttributeName name) {
        return sqs.client().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(0)
                .messageSystemAttributeNames(name)).join().messages();
    }

    @Test
    void storesTheTraceHeaderOfSingleAndBatchSendsAndReturnsItWhenAskedFor() {
        // given
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        Map<MessageSystemAttributeNameForSends, MessageSystemAttributeValue> trace = Map.of(
                MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                MessageSystemAttributeValue.builder().dataType("String").stringValue(HEADER).build());

        // when
        sqs.client().sendMessage(b -> b.queueUrl(queueUrl).messageBody("single").messageSystemAttributes(trace)).join();
        sqs.client().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(SendMessageBatchRequestEntry.builder()
                .id("1").messageBody("batch").messageSystemAttributes(trace).build())).join();

        // then
        for (MessageSystemAttributeName name : List.of(MessageSystemAttributeName.AWS_TRACE_HEADER,
                MessageSystemAttributeName.ALL)) {
            assertThat(receive(queueUrl, name)).as(name.toString()).hasSize(2).allSatisfy(message -> assertThat(
                    message.attributes()).containsEntry(MessageSystemAttributeName.AWS_TRACE_HEADER, HEADER));
        }
        assertThat(receive(queueUrl, MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).hasSize(2)
                .allSatisfy(message -> assertThat(message.attributes())
                        .doesNotContainKey(MessageSystemAttributeName.AWS_TRACE_HEADER));
    }
}
